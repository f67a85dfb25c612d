using System.Text.Json;
using Approval.Rules.Identifiers;

namespace Approval.Api.SharedData;

/// <summary>What a shared-data source's records look like; the identifiers in them are hashed on import.</summary>
public sealed record SharedSource(
    string Code,
    string Description,
    SubjectKind Subject,
    IReadOnlyList<SharedAttribute> Attributes,
    bool NeedsValidFrom = false);

public enum SubjectKind { PersonId, PersonOrCompany, CreditCode, CompanyName, Address }

public enum AttributeKind { Text, Region, Bool, Grade, Category, HardshipStatus, IdentifierList, CertificateNumber }

public sealed record SharedAttribute(string Name, AttributeKind Kind, bool Required = false);

public static class SharedSources
{
    public static readonly IReadOnlyList<SharedSource> All =
    [
        new("population-registry", "人口库 population registry: identity, hukou region and registered guardians",
            SubjectKind.PersonId,
            [new("name", AttributeKind.Text, true), new("hukouRegion", AttributeKind.Region, true), new("guardians", AttributeKind.IdentifierList)]),
        new("civil-affairs", "民政 hardship status (dibao / tekun / lowIncome) with the period it is in force",
            SubjectKind.PersonId, [new("status", AttributeKind.HardshipStatus, true)], NeedsValidFrom: true),
        new("e-certificate", "残联 disability e-certificates (trust level A)",
            SubjectKind.PersonId,
            [new("number", AttributeKind.CertificateNumber, true), new("category", AttributeKind.Category, true), new("grade", AttributeKind.Grade, true)]),
        new("hrss-pension", "人社 residents' pension: enrolment and whether it is being drawn",
            SubjectKind.PersonId, [new("enrolled", AttributeKind.Bool, true), new("receiving", AttributeKind.Bool, true)]),
        new("bank-registry", "accounts already registered for subsidy payments (一卡通)",
            SubjectKind.PersonId, [new("bank", AttributeKind.Text)]),
        new("business-name-registry", "企业名称 registered company names",
            SubjectKind.CompanyName, []),
        new("business-registry", "existing companies by unified social credit code (their licences)",
            SubjectKind.CreditCode, [new("name", AttributeKind.Text)]),
        new("disqualified-persons", "persons and companies barred by the venue regulations (Art. 5), with the period of the bar",
            SubjectKind.PersonOrCompany, [new("reason", AttributeKind.Text)]),
        new("real-estate-registry", "不动产 registered owners of premises, by address",
            SubjectKind.Address, [new("owners", AttributeKind.IdentifierList, true)]),
    ];

    public static SharedSource? Find(string code) => All.FirstOrDefault(s => s.Code == code);

    public static readonly string[] HardshipStatuses = ["dibao", "tekun", "lowIncome"];
    public static readonly string[] Categories = ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"];

    /// <summary>The form a subject is hashed in: identifiers upper-cased, names and addresses with white space removed.</summary>
    public static string Normalize(SubjectKind kind, string subject) => kind switch
    {
        SubjectKind.CompanyName or SubjectKind.Address => string.Concat(subject.Where(c => !char.IsWhiteSpace(c))),
        _ => subject.Trim().ToUpperInvariant(),
    };

    public static string? SubjectError(SubjectKind kind, string subject) => kind switch
    {
        SubjectKind.PersonId when !ChineseId.IsValid(subject) => "is not a valid resident ID number (GB 11643)",
        SubjectKind.CreditCode when !CreditCode.IsValid(subject) => "is not a valid unified social credit code (GB 32100)",
        SubjectKind.PersonOrCompany when !ChineseId.IsValid(subject) && !CreditCode.IsValid(subject) => "is neither a valid ID number nor a valid credit code",
        SubjectKind.CompanyName or SubjectKind.Address when subject.Trim().Length < 2 => "is too short",
        _ => null,
    };

    public static string? AttributeError(SharedAttribute a, JsonElement v) => a.Kind switch
    {
        AttributeKind.Text when v.ValueKind != JsonValueKind.String => "must be a string",
        AttributeKind.Region when v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: 6 } r || !r.All(char.IsAsciiDigit) => "must be a 6-digit division code",
        AttributeKind.Bool when v.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "must be true or false",
        AttributeKind.Grade when v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var g) || g is < 1 or > 4 => "must be a grade from 1 to 4",
        AttributeKind.Category when v.ValueKind != JsonValueKind.String || !Categories.Contains(v.GetString()) => $"must be one of {string.Join(", ", Categories)}",
        AttributeKind.HardshipStatus when v.ValueKind != JsonValueKind.String || !HardshipStatuses.Contains(v.GetString()) => $"must be one of {string.Join(", ", HardshipStatuses)}",
        AttributeKind.CertificateNumber when v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: 20 } => "must be a 20-character certificate number",
        AttributeKind.IdentifierList when v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String
            || (!ChineseId.IsValid(x.GetString()) && !CreditCode.IsValid(x.GetString()))) => "must be a list of valid ID numbers or credit codes",
        _ => null,
    };
}
