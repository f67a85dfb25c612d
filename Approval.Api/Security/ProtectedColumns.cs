using System.Linq.Expressions;
using System.Reflection;
using Approval.Api.Applications;
using Approval.Api.SharedData;
using Approval.Workflows.Persistence;

namespace Approval.Api.Security;

/// <summary>
/// The columns that hold personal data and are encrypted at rest, and the place each value is bound to (associated
/// data <c>table.column/row</c>). Rows with a client-side key (Guid, composite) are bound to it; rows whose key the
/// database generates are bound to the columns that identify them before the insert (notifications: application, task,
/// kind and instant; shared-data records: source, subject hash and batch).
/// </summary>
public static class ProtectedColumns
{
    public sealed record Column(Type Entity, string Table, string Property, string ColumnName, Func<object, string> Row)
    {
        public PropertyInfo Info { get; } = Entity.GetProperty(Property)!;
        public bool Binary => Info.PropertyType == typeof(byte[]);
        public string Place(object entity) => $"{Table}.{ColumnName}/{Row(entity)}";
    }

    public static readonly IReadOnlyList<Column> All =
    [
        .. Of<Application>("applications", a => a.Id.ToString("N"),
            a => a.FactsJson, a => a.AssessmentJson, a => a.ReceiptJson, a => a.CombinedResultJson, a => a.RatingComment),
        .. Of<WorkflowInstance>("workflow_instances", i => i.Id.ToString("N"), i => i.FactsJson),
        .. Of<WorkflowItem>("workflow_items", i => $"{i.InstanceId:N}:{i.Code}", i => i.Number, i => i.OutputsJson, i => i.OutcomeReason),
        .. Of<HumanTask>("workflow_tasks", t => t.Id.ToString("N"), t => t.OutputsJson, t => t.Reason),
        .. Of<WorkflowHistoryEntry>("workflow_history", h => h.Id.ToString("N"), h => h.Detail),
        .. Of<Notification>("notifications", n => $"{n.ApplicationId:N}:{n.TaskId:N}:{n.Kind}:{n.CreatedAt}", n => n.Message),
        .. Of<ApplicationMaterial>("application_materials", m => m.Id.ToString("N"), m => m.FileName, m => m.Content),
        .. Of<ComplaintTask>("complaint_tasks", c => c.Id.ToString("N"), c => c.Comment, c => c.Resolution),
        .. Of<SharedRecord>("shared_records", r => $"{r.Source}:{r.SubjectHash}:{r.Batch}", r => r.AttributesJson),
        .. Of<Matching.MatchingMatch>("matching_matches", m => $"{m.RunId:N}:{m.SubjectHash}", m => m.ItemsJson),
        .. Of<Matching.MatchingInvitation>("matching_invitations", i => $"{i.BundleCode}:{i.SubjectHash}", i => i.ItemsJson),
    ];

    private static readonly Dictionary<Type, Column[]> ByEntity = All.GroupBy(c => c.Entity).ToDictionary(g => g.Key, g => g.ToArray());

    public static IReadOnlyList<Column> For(Type entity) => ByEntity.GetValueOrDefault(entity) ?? [];

    private static IEnumerable<Column> Of<T>(string table, Func<T, string> row, params Expression<Func<T, object?>>[] properties) =>
        properties.Select(p =>
        {
            var member = (p.Body is UnaryExpression u ? u.Operand : p.Body) as MemberExpression ?? throw new ArgumentException("not a property", nameof(properties));
            return new Column(typeof(T), table, member.Member.Name, Data.ApprovalDb.SnakeCase(member.Member.Name), e => row((T)e));
        });

    /// <summary>Decrypts the protected properties of an entity read from the database, in place.</summary>
    public static void Reveal(FieldProtector protector, object entity)
    {
        foreach (var column in For(entity.GetType()))
        {
            switch (column.Info.GetValue(entity))
            {
                case string s when FieldProtector.IsProtected(s):
                    column.Info.SetValue(entity, protector.Unprotect(s, column.Place(entity)));
                    break;
                case byte[] b when FieldProtector.IsProtected(b):
                    column.Info.SetValue(entity, protector.Unprotect(b, column.Place(entity)));
                    break;
            }
        }
    }
}
