using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Approval.Workflows.Persistence;

/// <summary>
/// A query compiled once per EF Core model (<c>EF.CompileAsyncQuery</c>) and then run without the query cache's look-up
/// and parameter extraction. EF Core binds a compiled query to the first model it runs against and refuses any other, and one
/// process may serve several models (SQLite, PostgreSQL and SQL Server in the tests), so each model gets its own delegate.
/// </summary>
public sealed class CompiledQuery<TDelegate> where TDelegate : class
{
    private readonly ConditionalWeakTable<IModel, TDelegate> _byModel = new();
    private readonly ConditionalWeakTable<IModel, TDelegate>.CreateValueCallback _compile;

    public CompiledQuery(Func<TDelegate> compile) => _compile = _ => compile();

    public TDelegate For(DbContext db) => _byModel.GetValue(db.Model, _compile);
}
