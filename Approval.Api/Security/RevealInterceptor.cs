using Approval.Api.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Approval.Api.Security;

/// <summary>Decrypts the protected columns of every entity as EF materialises it (tracked or not), before it is tracked.</summary>
internal sealed class RevealInterceptor : IMaterializationInterceptor
{
    public static readonly RevealInterceptor Instance = new();

    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        if (materializationData.Context is ApprovalDb db) ProtectedColumns.Reveal(db.Protector, entity);
        return entity;
    }
}
