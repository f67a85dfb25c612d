namespace Approval.Api.SharedData;

/// <summary>
/// One record from a shared-data source (共享数据), keyed by the keyed hash of its subject (an ID number, a credit code,
/// a company name or an address), with the period it is in force. Identifiers inside the attributes are hashed too.
/// </summary>
public sealed class SharedRecord
{
    public long Id { get; set; }
    public required string Source { get; set; }
    public required string SubjectHash { get; set; }
    /// <summary>The source's attributes as a JSON object (see <see cref="SharedSources"/>).</summary>
    public required string AttributesJson { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public DateTimeOffset ImportedAt { get; set; }
    public required string Batch { get; set; }
}
