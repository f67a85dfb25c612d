using System.Linq.Expressions;
using System.Reflection;
using Approval.Api.Data;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Approval.Api.Security;

/// <summary>
/// Decrypts the protected columns of every entity as EF materialises it (tracked or not), before it is tracked: the
/// materializer EF builds for an entity type with protected columns ends in a call to <see cref="ProtectedColumns.Reveal"/>;
/// types without them are materialised exactly as EF builds them. (An <c>IMaterializationInterceptor</c> did this before,
/// but with one registered EF builds, for every row of every type, a dictionary holding two new delegates per property:
/// 11 % of the API's CPU per decision, see bench/RESULTS-throughput.md.) EF's own source is in its Internal namespace
/// (EF1001): a change of EF Core's version is checked by the encryption tests, which read protected rows tracked and untracked.
/// </summary>
#pragma warning disable EF1001
internal sealed class RevealingMaterializerSource(StructuralTypeMaterializerSourceDependencies dependencies)
    : StructuralTypeMaterializerSource(dependencies), IStructuralTypeMaterializerSource
{
    private static readonly MethodInfo RevealMethod = typeof(RevealingMaterializerSource).GetMethod(nameof(Reveal), BindingFlags.NonPublic | BindingFlags.Static)!;

    Expression IStructuralTypeMaterializerSource.CreateMaterializeExpression(StructuralTypeMaterializerSourceParameters parameters, Expression materializationContext)
    {
        var materialize = CreateMaterializeExpression(parameters, materializationContext);
        return parameters.StructuralType is IEntityType entity && ProtectedColumns.For(entity.ClrType).Count > 0
            ? Expression.Convert(Expression.Call(RevealMethod, materializationContext, Expression.Convert(materialize, typeof(object))), materialize.Type)
            : materialize;
    }

    private static object Reveal(MaterializationContext context, object entity)
    {
        if (context.Context is ApprovalDb db) ProtectedColumns.Reveal(db.Protector, entity);
        return entity;
    }
}
#pragma warning restore EF1001
