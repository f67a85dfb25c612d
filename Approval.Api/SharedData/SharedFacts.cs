using System.Text.Json;
using Approval.Api.Data;
using Approval.Api.Infrastructure;
using Approval.Api.Security;
using Approval.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Approval.Api.SharedData;

/// <summary>
/// What shared data (共享数据) knows about an applicant, as facts under <c>shared.*</c> for the rules
/// (absent = the source has no record). Shared data outranks the form; the rules report conflicts.
/// </summary>
public interface ISharedData
{
    Task<Dictionary<string, object?>> CollectAsync(JsonElement facts, DateOnly asOf, CancellationToken ct = default);
}

/// <summary>This deployment's shared data: imported records in the database, looked up by keyed hash in one round trip.</summary>
public sealed class SharedFacts(ApprovalDb db, PersonalData personal) : ISharedData
{
    private static readonly CompiledQuery<Func<ApprovalDb, List<string>, IAsyncEnumerable<SharedRecord>>> RecordsOf = new(() =>
        EF.CompileAsyncQuery((ApprovalDb db, List<string> subjects) => db.SharedRecords.AsNoTracking().Where(r => subjects.Contains(r.SubjectHash))));

    public async Task<Dictionary<string, object?>> CollectAsync(JsonElement facts, DateOnly asOf, CancellationToken ct = default)
    {
        var applicantId = Text(facts, "applicant.idNumber");
        var agentId = Text(facts, "agent.idNumber");
        var legalRepId = Text(facts, "enterprise.legalRepresentative.idNumber");
        var existingCode = Text(facts, "enterprise.existingCreditCode");
        var proposedName = Text(facts, "enterprise.proposedName");
        var address = Text(facts, "venue.address");
        var investors = Lookup(facts, "enterprise.investors") is { ValueKind: JsonValueKind.Array } arr
            ? arr.EnumerateArray().Select(i => Text(i, "idNumber") ?? Text(i, "creditCode")).ToList()
            : [];

        string? H(string? v, SubjectKind kind = SubjectKind.PersonId) => v is null ? null : personal.Hash(SharedSources.Normalize(kind, v));
        var applicant = H(applicantId);
        var agent = H(agentId);
        var legalRep = H(legalRepId);
        var existing = H(existingCode, SubjectKind.CreditCode);
        var name = H(proposedName, SubjectKind.CompanyName);
        var premises = H(address, SubjectKind.Address);
        var investorHashes = investors.Select(i => H(i)).ToList();

        var wanted = new[] { applicant, legalRep, existing, name, premises }.Concat(investorHashes).OfType<string>().Distinct().ToList();
        var records = new List<SharedRecord>();
        if (wanted.Count > 0)
            await foreach (var record in RecordsOf.For(db)(db, wanted).WithCancellation(ct)) records.Add(record);

        var result = new Dictionary<string, object?>();
        JsonElement Attrs(string json) => JsonDocument.Parse(json).RootElement;
        bool InForce(DateOnly? from, DateOnly? to) => (from is null || from <= asOf) && (to is null || to >= asOf);
        var of = (string source, string? subject) => records.Where(r => r.Source == source && r.SubjectHash == subject && InForce(r.ValidFrom, r.ValidTo)).ToList();

        if (applicant is not null) AddPerson(result, records, applicant, Text(facts, "applicant.name"), agent, asOf);

        if (Lookup(facts, "enterprise") is not null)
        {
            if (name is not null) result["shared.nameRegistry.nameTaken"] = of("business-name-registry", name).Count > 0;
            var people = investorHashes.Append(legalRep).OfType<string>().Distinct().ToList();
            result["shared.disqualified.anyListed"] = people.Any(p => of("disqualified-persons", p).Count > 0);
            if (legalRep is not null) result["shared.population.legalRepConfirmed"] = of("population-registry", legalRep).Count > 0;
            if (investorHashes.Count > 0)
                result["shared.population.allInvestorsConfirmed"] = investorHashes.All(i => i is not null
                    && (of("population-registry", i).Count > 0 || of("business-registry", i).Count > 0));
            if (existing is not null) result["shared.business.licenceOnFile"] = of("business-registry", existing).Count > 0;
            if (premises is not null && Text(facts, "venue.premises") == "owned")
            {
                var owners = of("real-estate-registry", premises)
                    .SelectMany(r => Attrs(r.AttributesJson).GetProperty("owners").EnumerateArray().Select(o => o.GetString()))
                    .ToHashSet();
                result["shared.realEstate.ownershipConfirmed"] = people.Append(existing).Any(p => p is not null && owners.Contains(p));
            }
        }
        return result;
    }

    /// <summary>
    /// The <c>shared.*</c> facts about one person from their records (any order; records of other subjects are ignored):
    /// population (identity against <paramref name="name"/>, hukou, guardianship of <paramref name="agent"/>), 民政 hardship,
    /// e-certificate, pension and bank registration, each in force on <paramref name="asOf"/>.
    /// </summary>
    public static void AddPerson(Dictionary<string, object?> result, IReadOnlyList<SharedRecord> records, string applicant, string? name, string? agent, DateOnly asOf)
    {
        bool InForce(DateOnly? from, DateOnly? to) => (from is null || from <= asOf) && (to is null || to >= asOf);
        SharedRecord? First(string source) => records.FirstOrDefault(r => r.Source == source && r.SubjectHash == applicant && InForce(r.ValidFrom, r.ValidTo));

        if (First("population-registry") is { } person)
        {
            using var d = JsonDocument.Parse(person.AttributesJson);
            var a = d.RootElement;
            result["shared.population.identityConfirmed"] = Text(a, "name") is { } n && n == name;
            result["shared.population.hukouRegion"] = Text(a, "hukouRegion");
            if (agent is not null)
                result["shared.population.guardianConfirmed"] = a.TryGetProperty("guardians", out var g) && g.EnumerateArray().Any(x => x.GetString() == agent);
        }
        var hardship = records.Where(r => r.Source == "civil-affairs" && r.SubjectHash == applicant).ToList();
        if (hardship.Count > 0)
        {
            var inForce = hardship.Where(r => InForce(r.ValidFrom, r.ValidTo)).Select(r =>
            {
                using var d = JsonDocument.Parse(r.AttributesJson);
                return Text(d.RootElement, "status");
            }).ToHashSet();
            foreach (var status in SharedSources.HardshipStatuses) result[$"shared.civilAffairs.{status}"] = inForce.Contains(status);
        }
        if (First("e-certificate") is { } certificate)
        {
            using var d = JsonDocument.Parse(certificate.AttributesJson);
            var a = d.RootElement;
            result["shared.disabilityCertificate.number"] = Text(a, "number");
            result["shared.disabilityCertificate.category"] = Text(a, "category");
            result["shared.disabilityCertificate.grade"] = (long)a.GetProperty("grade").GetInt32();
        }
        if (First("hrss-pension") is { } pension)
        {
            using var d = JsonDocument.Parse(pension.AttributesJson);
            var a = d.RootElement;
            result["shared.pension.enrolled"] = a.GetProperty("enrolled").GetBoolean();
            result["shared.pension.receiving"] = a.GetProperty("receiving").GetBoolean();
        }
        if (First("bank-registry") is not null) result["shared.bankAccount.registered"] = true;
    }

    private static string? Text(JsonElement e, string path) => JsonPath.Text(e, path);

    private static JsonElement? Lookup(JsonElement e, string path) => JsonPath.Find(e, path);
}
