using Approval.Api.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Approval.Api.Data;

/// <summary>
/// Carries the application's <see cref="FieldProtector"/> in the DbContext options, so that <see cref="ApprovalDb"/> has
/// the one constructor DbContext pooling needs. It adds no EF Core services: every protector shares EF's internal
/// service provider (the model still differs with encryption on or off: <see cref="ProtectedModelCacheKeyFactory"/>).
/// </summary>
public sealed class ProtectorOptionsExtension(FieldProtector protector) : IDbContextOptionsExtension
{
    public FieldProtector Protector { get; } = protector;

    public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;
        public override string LogFragment => "";
        public override int GetServiceProviderHashCode() => 0;
        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;
        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["Approval:FieldProtector"] = "1";
    }
}

public static class ProtectorOptions
{
    /// <summary>Encrypts the personal-data columns with <paramref name="protector"/> (see <see cref="ProtectedColumns"/>).</summary>
    public static DbContextOptionsBuilder UseFieldProtector(this DbContextOptionsBuilder builder, FieldProtector protector)
    {
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new ProtectorOptionsExtension(protector));
        return builder;
    }
}
