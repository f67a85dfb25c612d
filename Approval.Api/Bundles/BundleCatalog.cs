using System.Collections.Concurrent;
using System.Text.Json;
using Approval.Api.Data;
using Approval.Api.Reform;
using Approval.Rules;
using Approval.Rules.Bundles;
using Approval.Workflows.Definitions;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.Bundles;

/// <summary>Configuration section <c>Bundles</c>.</summary>
public sealed class BundleOptions
{
    /// <summary>The folder holding one sub-folder per bundle; relative paths are under the application's base directory.</summary>
    public string Folder { get; set; } = "bundles";

    /// <summary>How often a node checks whether another node published a bundle version (one small query).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The bundles in force, loaded and validated once at start-up (a broken file stops start-up naming the file and line),
/// plus every earlier version recorded in the database so that applications pinned to one keep it. The version in force
/// of a bundle is the one recorded last in <c>bundle_versions</c> (highest id): a folder version the first time a node
/// starts with it, or a version an admin published (<see cref="Publish"/>); every node follows (<see cref="FollowAsync"/>).
/// </summary>
public sealed class BundleCatalog
{
    private readonly ConcurrentDictionary<string, BundleDefinition> _current;
    private readonly Dictionary<string, string> _folderVersions;
    private readonly ConcurrentDictionary<string, BundleDefinition> _byVersion = new();
    private readonly ConcurrentDictionary<string, BundleRules> _rules = new();
    private readonly Dictionary<string, ReformDefinition> _reforms = new();

    /// <summary>
    /// Compiles every bundle's rules and loads its workflow now, so a broken rule or workflow file stops start-up
    /// (file, line, problem).
    /// </summary>
    public BundleCatalog(IReadOnlyList<BundleDefinition> bundles, string folder)
    {
        _current = new ConcurrentDictionary<string, BundleDefinition>(bundles.ToDictionary(b => b.Code));
        _folderVersions = bundles.ToDictionary(b => b.Code, b => b.Version);
        var workflows = new List<WorkflowDefinition>();
        foreach (var b in bundles)
        {
            _byVersion[Key(b.Code, b.Version)] = b;
            _rules[Key(b.Code, b.Version)] = BundleRules.Compile(b, Path.Combine(folder, b.Code));
            workflows.Add(WorkflowLoader.Load(b, Path.Combine(folder, b.Code)));
            if (b.Files.TryGetValue(ReformDefinition.FileName, out var reform))
                _reforms[b.Code] = ReformDefinition.Load(b, Path.Combine(folder, b.Code), reform);
        }
        Workflows = workflows;
    }

    /// <summary>The workflow of each current bundle, loaded and validated at start-up.</summary>
    public IReadOnlyList<WorkflowDefinition> Workflows { get; }

    /// <summary>The compiled rules of a bundle version: compiled once, immutable and shared by every request.</summary>
    public BundleRules RulesFor(BundleDefinition bundle) =>
        _rules.GetOrAdd(Key(bundle.Code, bundle.Version), _ => BundleRules.Compile(bundle));

    public IReadOnlyCollection<BundleDefinition> Current => _current.Values.ToList();

    /// <summary>The current bundle's <c>reform.yaml</c> (baseline and reference applicant), if it has one.</summary>
    public ReformDefinition? ReformOf(string code) => _reforms.GetValueOrDefault(code);

    public BundleDefinition? Find(string code) => _current.GetValueOrDefault(code);

    /// <summary>The bundle exactly as it was at <paramref name="version"/> (loaded from the database when not current).</summary>
    public async Task<BundleDefinition?> FindVersionAsync(ApprovalDb db, string code, string version, CancellationToken ct = default)
    {
        if (_byVersion.TryGetValue(Key(code, version), out var known)) return known;
        var row = await db.BundleVersions.AsNoTracking()
            .FirstOrDefaultAsync(v => v.BundleCode == code && v.Version == version, ct);
        if (row is null) return null;
        var files = JsonSerializer.Deserialize<Dictionary<string, string>>(row.FilesJson)!;
        var bundle = BundleLoader.Load($"db:bundle_versions/{row.Id}", files);
        return _byVersion.GetOrAdd(Key(code, version), bundle);
    }

    /// <summary>Records each current bundle version in the database unless it is there already.</summary>
    public async Task RegisterVersionsAsync(ApprovalDb db, TimeProvider clock, CancellationToken ct = default)
    {
        foreach (var bundle in _current.Values)
        {
            var exists = await db.BundleVersions.AnyAsync(v => v.BundleCode == bundle.Code && v.ContentHash == bundle.ContentHash, ct);
            if (exists) continue;
            db.BundleVersions.Add(Row(bundle, clock));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (!await AllRegisteredAsync(db, ct)) throw;
            // another node registered the same versions first
        }
    }

    /// <summary>
    /// Makes <paramref name="draft"/> (a complete, compiled bundle) the version in force: recorded as the latest version in
    /// the database, in force here at once and on the other nodes at their next <see cref="FollowAsync"/>. Applications
    /// already made stay on their version.
    /// </summary>
    public BundleVersion Publish(ApprovalDb db, BundleDefinition draft, TimeProvider clock)
    {
        _rules[Key(draft.Code, draft.Version)] = BundleRules.Compile(draft);
        var row = Row(draft, clock);
        db.BundleVersions.Add(row);
        return row;
    }

    private static BundleVersion Row(BundleDefinition bundle, TimeProvider clock) => new()
    {
        BundleCode = bundle.Code,
        DeclaredVersion = bundle.DeclaredVersion,
        ContentHash = bundle.ContentHash,
        Version = bundle.Version,
        FilesJson = JsonSerializer.Serialize(new Dictionary<string, string>(bundle.Files) { [BundleLoader.BundleFile] = bundle.BundleYaml }),
        LoadedAt = clock.GetUtcNow(),
    };

    /// <summary>After <see cref="Publish"/> was saved: the draft is in force on this node.</summary>
    public void PutInForce(BundleDefinition bundle)
    {
        _byVersion[Key(bundle.Code, bundle.Version)] = bundle;
        _current[bundle.Code] = bundle;
    }

    /// <summary>The id of the latest recorded version of each bundle: this node's stamp of the versions in force.</summary>
    public static async Task<string> StampAsync(ApprovalDb db, CancellationToken ct = default) =>
        string.Join(",", (await db.BundleVersions.AsNoTracking().GroupBy(v => v.BundleCode)
            .Select(g => new { Code = g.Key, Id = g.Max(v => v.Id) }).ToListAsync(ct))
            .OrderBy(x => x.Code, StringComparer.Ordinal).Select(x => $"{x.Code}:{x.Id}"));

    /// <summary>Puts in force, for each bundle, the version recorded last (published on another node, or before a restart).</summary>
    public async Task FollowAsync(ApprovalDb db, ILogger? log = null, CancellationToken ct = default)
    {
        var latest = await db.BundleVersions.AsNoTracking().GroupBy(v => v.BundleCode).Select(g => g.Max(v => v.Id)).ToListAsync(ct);
        var rows = await db.BundleVersions.AsNoTracking().Where(v => latest.Contains(v.Id)).Select(v => new { v.BundleCode, v.Version }).ToListAsync(ct);
        foreach (var row in rows)
        {
            if (!_current.TryGetValue(row.BundleCode, out var now) || now.Version == row.Version) continue;
            if (await FindVersionAsync(db, row.BundleCode, row.Version, ct) is not { } bundle) continue;
            _current[row.BundleCode] = bundle;
            if (_folderVersions[row.BundleCode] != row.Version)
                log?.LogWarning("Bundle {Bundle}: version {Version}, recorded after the folder's {FolderVersion}, is in force", row.BundleCode, row.Version, _folderVersions[row.BundleCode]);
        }
    }

    private async Task<bool> AllRegisteredAsync(ApprovalDb db, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        foreach (var bundle in _current.Values)
            if (!await db.BundleVersions.AnyAsync(v => v.BundleCode == bundle.Code && v.ContentHash == bundle.ContentHash, ct))
                return false;
        return true;
    }

    private static string Key(string code, string version) => $"{code}@{version}";
}
