namespace Approval.Api.Matching;

public static class MatchingState
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

/// <summary>
/// One proactive matching run (免申即享): a bundle's rules over every person of the population registry, in keyset
/// order of the subject's keyed hash. <see cref="Cursor"/> is the last subject hash whose batch is stored, so a run
/// interrupted by a restart continues after it. Instants are Unix milliseconds.
/// </summary>
public sealed class MatchingRun
{
    public Guid Id { get; set; }
    public required string BundleCode { get; set; }
    public required string BundleVersion { get; set; }
    public DateOnly AsOf { get; set; }
    public string State { get; set; } = MatchingState.Queued;
    public string? Cursor { get; set; }
    public int Total { get; set; }
    public int Processed { get; set; }
    public int Matched { get; set; }
    /// <summary>Keyed hash of the admin who started the run.</summary>
    public required string StartedBy { get; set; }
    public long CreatedAt { get; set; }
    public long? StartedAt { get; set; }
    public long? FinishedAt { get; set; }
    public string? Error { get; set; }

    public bool Done => State is MatchingState.Finished or MatchingState.Failed;

    public void Start(int total, long now)
    {
        if (State != MatchingState.Queued) return;
        State = MatchingState.Running;
        Total = total;
        StartedAt = now;
    }

    /// <summary>A batch is stored: the checkpoint moves past its last subject.</summary>
    public void Advance(string cursor, int processed, int matched)
    {
        if (State != MatchingState.Running) throw new InvalidOperationException($"run {Id} is {State}, not running");
        Cursor = cursor;
        Processed += processed;
        Matched += matched;
    }

    public void Finish(long now)
    {
        State = MatchingState.Finished;
        FinishedAt = now;
        Total = Math.Max(Total, Processed);
    }

    public void Fail(string error, long now)
    {
        State = MatchingState.Failed;
        Error = error.Length > 400 ? error[..400] : error;
        FinishedAt = now;
    }
}

/// <summary>
/// A person a run found eligible for one or more items they have not applied for. The subject is kept only as its
/// keyed hash; admins see the masked name (and the masked ID number when an e-certificate carries it).
/// <see cref="ItemsJson"/> (items, names and the rules' reasons) is encrypted at rest.
/// </summary>
public sealed class MatchingMatch
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public required string SubjectHash { get; set; }
    public required string MaskedName { get; set; }
    public string? MaskedId { get; set; }
    public required string ItemsJson { get; set; }
}

/// <summary>
/// An invitation (notification) to apply, one per person and bundle: a later run does not invite the same person again.
/// Only the person (an applicant token whose subject hashes to <see cref="SubjectHash"/>) reads it.
/// </summary>
public sealed class MatchingInvitation
{
    public long Id { get; set; }
    public required string BundleCode { get; set; }
    public required string SubjectHash { get; set; }
    public Guid RunId { get; set; }
    public required string ItemsJson { get; set; }
    public long CreatedAt { get; set; }
}
