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
}

/// <summary>
/// The bundles in force, loaded and validated once at start-up (a broken file stops start-up naming the file and line),
/// plus every earlier version recorded in the database so that applications pinned to one keep it.
/// </summary>
public sealed class BundleCatalog
{
    private readonly Dictionary<string, BundleDefinition> _current;
    private readonly ConcurrentDictionary<string, BundleDefinition> _byVersion = new();
    private readonly ConcurrentDictionary<string, BundleRules> _rules = new();
    private readonly Dictionary<string, ReformDefinition> _reforms = new();

    /// <summary>
    /// Compiles every bundle's rules and loads its workflow now, so a broken rule or workflow file stops start-up
    /// (file, line, problem).
    /// </summary>
    public BundleCatalog(IReadOnlyList<BundleDefinition> bundles, string folder)
    {
        _current = bundles.ToDictionary(b => b.Code);
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

    public IReadOnlyCollection<BundleDefinition> Current => _current.Values;

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
            var files = new Dictionary<string, string>(bundle.Files) { [BundleLoader.BundleFile] = bundle.BundleYaml };
            db.BundleVersions.Add(new BundleVersion
            {
                BundleCode = bundle.Code,
                DeclaredVersion = bundle.DeclaredVersion,
                ContentHash = bundle.ContentHash,
                Version = bundle.Version,
                FilesJson = JsonSerializer.Serialize(files),
                LoadedAt = clock.GetUtcNow(),
            });
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
