using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Approval.Api.Bundles;
using Approval.Api.Data;
using Approval.Api.Security;
using Approval.Api.SharedData;
using Approval.Rules;
using Approval.Rules.Identifiers;
using Approval.Rules.Yaml;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using RuleOutcome = Approval.Rules.ItemOutcome;
using TaskOutcome = Approval.Workflows.Persistence.ItemOutcome;

namespace Approval.Api.Matching;

/// <summary>Configuration section <c>Matching</c>.</summary>
public sealed class MatchingOptions
{
    /// <summary>Registry persons read, assessed and stored per checkpoint.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>Whether this node runs matching jobs (queued runs, and runs interrupted by a restart).</summary>
    public bool RunJobs { get; set; } = true;
}

/// <summary>One item a person qualifies for, with the rules' reasons; stored encrypted in a match and an invitation.</summary>
public sealed record MatchedItem(string Item, LocalizedText Name, IReadOnlyList<MatchedReason> Reasons, Benefit? Benefit);

public sealed record MatchedReason(string RuleId, LocalizedText Message);

/// <summary>
/// The matching job (免申即享). <see cref="StepAsync"/> is one checkpoint: the next batch of population-registry
/// subjects after the run's cursor (keyset order of the keyed hash), every person source's records for them, the bundle's
/// compiled rules on all cores, and the matches written in one transaction with the moved cursor.
/// </summary>
public interface IMatchingJob
{
    /// <summary>Processes one batch after the stored cursor; false when the run is done (finished now, or before).</summary>
    Task<bool> StepAsync(Guid runId, CancellationToken ct = default);

    /// <summary>Hands a run to the background worker.</summary>
    void Enqueue(Guid runId);
}

internal sealed class MatchingJob(IServiceScopeFactory scopes, MatchingOptions options, TimeProvider clock) : IMatchingJob
{
    public const string Registry = "population-registry";
    public static readonly string[] PersonSources = ["population-registry", "civil-affairs", "e-certificate", "hrss-pension", "bank-registry"];

    /// <summary>Workflow outcomes after which an item is not offered again: in progress (none yet), granted or refused.</summary>
    private static readonly string?[] Settled = [TaskOutcome.Granted, TaskOutcome.Refused, TaskOutcome.NotGranted];

    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();

    public ChannelReader<Guid> Queue => _queue.Reader;

    public void Enqueue(Guid runId) => _queue.Writer.TryWrite(runId);

    public async Task<bool> StepAsync(Guid runId, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ApprovalDb>();
        var personal = services.GetRequiredService<PersonalData>();
        var catalog = services.GetRequiredService<BundleCatalog>();

        var run = await db.MatchingRuns.SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || run.Done) return false;
        var bundle = await catalog.FindVersionAsync(db, run.BundleCode, run.BundleVersion, ct)
                     ?? throw new InvalidOperationException($"bundle {run.BundleCode} version {run.BundleVersion} is not known");
        var rules = catalog.RulesFor(bundle);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (run.State == MatchingState.Queued)
            run.Start(await db.SharedRecords.Where(r => r.Source == Registry).Select(r => r.SubjectHash).Distinct().CountAsync(ct), now);

        var after = run.Cursor ?? "";
        var subjects = await db.SharedRecords.AsNoTracking()
            .Where(r => r.Source == Registry && string.Compare(r.SubjectHash, after) > 0)
            .OrderBy(r => r.SubjectHash).Select(r => r.SubjectHash).Take(options.BatchSize).ToListAsync(ct);
        if (subjects.Count == 0)
        {
            run.Finish(now);
            await db.SaveChangesAsync(ct);
            return false;
        }
        var last = subjects[^1];

        var records = await db.SharedRecords.AsNoTracking()
            .Where(r => PersonSources.Contains(r.Source) && string.Compare(r.SubjectHash, after) > 0 && string.Compare(r.SubjectHash, last) <= 0)
            .ToListAsync(ct);
        var taken = (await (from a in db.Applications.AsNoTracking()
                            where a.BundleCode == run.BundleCode && string.Compare(a.ApplicantHash, after) > 0 && string.Compare(a.ApplicantHash, last) <= 0
                            join i in db.WorkflowItems.AsNoTracking() on a.Id equals i.InstanceId
                            where i.Outcome == null || Settled.Contains(i.Outcome)
                            select new { a.ApplicantHash, i.Code }).ToListAsync(ct))
            .Select(x => (x.ApplicantHash, x.Code)).ToHashSet();

        var people = records.GroupBy(r => r.SubjectHash).ToList();
        var names = bundle.Items.ToDictionary(i => i.Code, i => i.Name);
        var found = new ConcurrentBag<MatchingMatch>();
        var context = new Context(run, rules, names, taken, personal, RegistryPerson.ReadsName(bundle), new ConcurrentDictionary<string, AssessmentResult>());
        Parallel.ForEach(people, new ParallelOptions { CancellationToken = ct }, person =>
        {
            if (Evaluate(person.Key, person.ToList(), context) is { } match) found.Add(match);
        });

        db.MatchingMatches.AddRange(found.OrderBy(m => m.SubjectHash, StringComparer.Ordinal));
        run.Advance(last, subjects.Distinct().Count(), found.Count);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>What every evaluation of one batch shares; <see cref="Results"/> holds the assessment of each distinct input.</summary>
    private sealed record Context(MatchingRun Run, BundleRules Rules, IReadOnlyDictionary<string, LocalizedText> Names, HashSet<(string, string)> Taken,
        PersonalData Personal, bool FormWithName, ConcurrentDictionary<string, AssessmentResult> Results);

    /// <summary>
    /// The person's eligible items not applied for. The rules are a function of their inputs (the one form, the shared facts,
    /// the date): persons whose inputs are identical — no ID number known, same hukou and same shared facts, which is most
    /// of a registry — share one assessment.
    /// </summary>
    private static MatchingMatch? Evaluate(string subject, IReadOnlyList<SharedRecord> records, Context c)
    {
        var run = c.Run;
        var person = RegistryPerson.From(subject, records, run.AsOf, c.Personal);
        if (person is null) return null;
        var shared = new Dictionary<string, object?>();
        SharedFacts.AddPerson(shared, records, subject, person.Name, agent: null, run.AsOf);
        var form = person.FormJson(c.FormWithName);
        AssessmentResult Assess()
        {
            using var facts = JsonDocument.Parse(form);
            return c.Rules.Assess(FactSet.From(facts.RootElement, shared), run.AsOf);
        }
        var result = person.IdNumber is null
            ? c.Results.GetOrAdd(RegistryPerson.Key(form, shared), _ => Assess())
            : Assess();
        var (names, taken) = (c.Names, c.Taken);
        var items = result.Items
            .Where(i => i.Outcome == RuleOutcome.Eligible && !taken.Contains((subject, i.Code)))
            .Select(i => new MatchedItem(i.Code, names[i.Code],
                i.Reasons.Where(r => r.Kind == "decision").Select(r => new MatchedReason(r.RuleId, r.Message)).ToList(), i.Benefit))
            .ToList();
        if (items.Count == 0) return null;
        return new MatchingMatch
        {
            RunId = run.Id,
            SubjectHash = subject,
            MaskedName = PersonalData.MaskName(person.Name),
            MaskedId = person.IdNumber is { } id ? ChineseId.Mask(id) : null,
            ItemsJson = JsonSerializer.Serialize(items, MatchingJson.Options),
        };
    }

}

internal static class MatchingJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IReadOnlyList<MatchedItem> Items(string json) => JsonSerializer.Deserialize<List<MatchedItem>>(json, Options) ?? [];
}

/// <summary>Runs queued matching runs one after another, and at start-up those a restart interrupted (from their checkpoint).</summary>
internal sealed class MatchingWorker(MatchingJob job, IServiceScopeFactory scopes, MatchingOptions options, TimeProvider clock, ILogger<MatchingWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunJobs) return;
        await Task.Yield();
        try
        {
            using (var scope = scopes.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ApprovalDb>();
                foreach (var id in await db.MatchingRuns.AsNoTracking().Where(r => r.State == MatchingState.Queued || r.State == MatchingState.Running)
                             .OrderBy(r => r.CreatedAt).Select(r => r.Id).ToListAsync(stoppingToken))
                    job.Enqueue(id);
            }
            await foreach (var id in job.Queue.ReadAllAsync(stoppingToken))
                await RunAsync(id, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(Guid id, CancellationToken ct)
    {
        try
        {
            while (await job.StepAsync(id, ct)) { }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            log.LogError(e, "Matching run {Run} failed", id);
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ApprovalDb>();
            if (await db.MatchingRuns.SingleOrDefaultAsync(r => r.Id == id, CancellationToken.None) is { } run)
            {
                run.Fail(e.GetType().Name, clock.GetUtcNow().ToUnixTimeMilliseconds());
                await db.SaveChangesAsync(CancellationToken.None);
            }
        }
    }
}
