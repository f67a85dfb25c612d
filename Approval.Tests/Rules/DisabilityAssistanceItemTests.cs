using System.Text.Json.Nodes;
using Approval.Rules;
using static Approval.Tests.Rules.TestBundles;

namespace Approval.Tests.Rules;

/// <summary>Bundle A items A1–A5 (shared/domain/disability-assistance.md).</summary>
public class DisabilityAssistanceItemTests
{
    private static Dictionary<string, object?> Shared(params (string Key, object? Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    private static JsonObject WithoutCertificate(string? category = "physical")
    {
        var f = ApplicantA();
        f["disability"] = new JsonObject { ["hasCertificate"] = false, ["needsLongTermCare"] = true };
        if (category is not null) f.Obj("disability")["category"] = category;
        return f;
    }

    private static JsonObject WithGrade(int grade, string category = "physical")
    {
        var f = ApplicantA();
        f.Obj("disability")["grade"] = grade;
        f.Obj("disability")["category"] = category;
        return f;
    }

    private static JsonObject Household(JsonObject f, bool dibao = false, bool tekun = false, bool lowIncome = false)
    {
        f["household"] = new JsonObject { ["dibao"] = dibao, ["tekun"] = tekun, ["lowIncome"] = lowIncome };
        return f;
    }

    // ---- A1 ----
    [Fact]
    public void A1_HoldsCertificate_NotApplicableWithMaskedNumber()
    {
        var f = ApplicantA();
        var number = (string)f.Obj("disability")["certificateNumber"]!;
        var r = AssessA(f);
        var a1 = r.Item("A1");
        Assert.Equal(ItemOutcome.NotApplicable, a1.Outcome);
        Assert.DoesNotContain(number, a1.Reasons[0].Message.Zh + a1.Reasons[0].Message.En);
        Assert.Contains(number[..4] + "****", a1.Reasons[0].Message.Zh);
        Assert.Contains(number[..4] + "****", a1.Reasons[0].Message.En);
        Assert.Null(r.Material("photo"));
    }

    [Fact]
    public void A1_NoCertificateNoCategory_NeedsInformationAndDependentsWait()
    {
        var r = AssessA(WithoutCertificate(category: null));
        Assert.Equal(ItemOutcome.NeedsInformation, r.Item("A1").Outcome);
        Assert.Equal(["disability.category"], r.MissingFacts);
        Assert.Equal(ItemOutcome.NeedsInformation, r.Item("A2").Outcome);
        Assert.Equal(["A1"], r.Item("A2").DependsOn);
        Assert.Equal(ItemOutcome.NeedsInformation, r.Item("A3").Outcome);
        Assert.Equal(ItemOutcome.Eligible, r.Item("A5").Outcome);
    }

    [Fact]
    public void A1_NoCertificateWithCategory_EligibleAndProducesCertificateForOthers()
    {
        var r = AssessA(WithoutCertificate());
        Assert.Equal(ItemOutcome.Eligible, r.Item("A1").Outcome);
        Assert.Equal(ItemOutcome.Conditional, r.Item("A2").Outcome);
        Assert.Equal(["A1"], r.Item("A2").DependsOn);
        var cert = r.Material("disability-certificate")!;
        Assert.Equal("waived", cert.Status);
        Assert.Equal("bundle:A1", cert.WaivedBy);
        Assert.Equal(["A1"], r.Material("photo")!.RequiredFor);
        Assert.Equal(["A1", "A2", "A3"], r.Material("hukou-book")!.RequiredFor);
    }

    [Fact]
    public void A1_ECertificateInSharedDataWhileFormSaysNone_NotApplicableWithConflictNote()
    {
        var f = WithoutCertificate();
        var shared = Shared(("shared.disabilityCertificate.number", "37158119850315011X11"), ("shared.disabilityCertificate.grade", 1),
            ("shared.disabilityCertificate.category", "visual"));
        var r = AssessA(f, shared);
        Assert.Equal(ItemOutcome.NotApplicable, r.Item("A1").Outcome);
        Assert.Contains(r.Item("A1").Reasons, x => x.RuleId == "conflict-certificate" && x.Kind == "note");
        Assert.Equal(ItemOutcome.Eligible, r.Item("A3").Outcome);
        Assert.Equal(170m, r.Item("A3").Benefit!.MonthlyAmount);
        Assert.Equal("shared:e-certificate", r.Material("disability-certificate")!.WaivedBy);
    }

    // ---- A2 ----
    [Fact]
    public void A2_CertificateAndDibao2026_Eligible140()
    {
        var a2 = AssessA(ApplicantA()).Item("A2");
        Assert.Equal(ItemOutcome.Eligible, a2.Outcome);
        Assert.Equal(140m, a2.Benefit!.MonthlyAmount);
    }

    [Fact]
    public void A2_CertificateAndDibao2025_Eligible120()
    {
        var a2 = AssessA(ApplicantA(), asOf: new DateOnly(2025, 12, 31)).Item("A2");
        Assert.Equal(120m, a2.Benefit!.MonthlyAmount);
    }

    [Fact]
    public void A2_ViaA1_ConditionalWithAmount()
    {
        var a2 = AssessA(WithoutCertificate()).Item("A2");
        Assert.Equal(ItemOutcome.Conditional, a2.Outcome);
        Assert.Equal(140m, a2.Benefit!.MonthlyAmount);
    }

    [Fact]
    public void A2_NoHardship_IneligibleWithWhyNot()
    {
        var a2 = AssessA(Household(ApplicantA())).Item("A2");
        Assert.Equal(ItemOutcome.Ineligible, a2.Outcome);
        var reason = a2.Reasons.Single();
        Assert.Equal("A2-no-hardship", reason.RuleId);
        Assert.Equal("not livingHardship", reason.Condition);
        Assert.Contains(reason.Values!, v => v.Path == "livingHardship" && v.Value == "false");
    }

    [Fact]
    public void A2_LowIncomeOnlyByDefault_Ineligible()
    {
        Assert.Equal(ItemOutcome.Ineligible, AssessA(Household(ApplicantA(), lowIncome: true)).Item("A2").Outcome);
    }

    [Fact]
    public void A2_LowIncomeWhenParameterIncludesIt_Eligible()
    {
        var rules = WithRules("disability-assistance", t => t.Replace(
            "livingSubsidyIncludesLowIncome: [{ from: 2025-01-01, value: false }]",
            "livingSubsidyIncludesLowIncome: [{ from: 2025-01-01, value: false }, { from: 2026-07-01, value: true }]"));
        var f = Household(ApplicantA(), lowIncome: true);
        Assert.Equal(ItemOutcome.Eligible, rules.Assess(Facts(f), AsOf).Item("A2").Outcome);
        Assert.Equal(ItemOutcome.Ineligible, rules.Assess(Facts(f), new DateOnly(2026, 6, 30)).Item("A2").Outcome);
    }

    [Fact]
    public void A2_Tekun_IneligibleEvenWithDibao()
    {
        var a2 = AssessA(Household(ApplicantA(), dibao: true, tekun: true)).Item("A2");
        Assert.Equal(ItemOutcome.Ineligible, a2.Outcome);
        Assert.Equal("A2-tekun-excluded", a2.Reasons.Single().RuleId);
    }

    [Fact]
    public void A2_SharedDibaoFalseBeatsDeclaredTrue_IneligibleWithConflictReason()
    {
        var r = AssessA(ApplicantA(), Shared(("shared.civilAffairs.dibao", false)));
        Assert.Equal(ItemOutcome.Ineligible, r.Item("A2").Outcome);
        Assert.Equal(ItemOutcome.Ineligible, r.Item("A4").Outcome);
        Assert.Contains(r.Item("A2").Reasons, x => x.RuleId == "conflict-dibao" && x.Message.En.Contains("civil-affairs records are used") && x.Message.Zh.Contains("以民政系统为准"));
        Assert.Contains(r.Item("A4").Reasons, x => x.RuleId == "conflict-dibao");
    }

    [Fact]
    public void A2_SharedDibaoTrueWithoutDeclaration_EligibleAndProofWaived()
    {
        var f = ApplicantA();
        f.Remove("household");
        var r = AssessA(f, Shared(("shared.civilAffairs.dibao", true)));
        Assert.Equal(ItemOutcome.Eligible, r.Item("A2").Outcome);
        Assert.Equal("shared:civil-affairs", r.Material("dibao-proof")!.WaivedBy);
    }

    // ---- A3 ----
    [Fact]
    public void A3_Grade1_Eligible170In2026AndNoCareStatement()
    {
        var r = AssessA(WithGrade(1));
        Assert.Equal(ItemOutcome.Eligible, r.Item("A3").Outcome);
        Assert.Equal(170m, r.Item("A3").Benefit!.MonthlyAmount);
        Assert.Null(r.Material("care-need-statement"));
    }

    [Fact]
    public void A3_Grade1_Eligible150In2025()
    {
        Assert.Equal(150m, AssessA(WithGrade(1), asOf: new DateOnly(2025, 3, 1)).Item("A3").Benefit!.MonthlyAmount);
    }

    [Fact]
    public void A3_Grade2_Eligible140In2026And120In2025WithCareStatement()
    {
        Assert.Equal(140m, AssessA(WithGrade(2)).Item("A3").Benefit!.MonthlyAmount);
        var r2025 = AssessA(WithGrade(2), asOf: new DateOnly(2025, 12, 31));
        Assert.Equal(120m, r2025.Item("A3").Benefit!.MonthlyAmount);
        Assert.Equal(["A3"], r2025.Material("care-need-statement")!.RequiredFor);
    }

    [Fact]
    public void A3_Grade3_Ineligible()
    {
        var a3 = AssessA(WithGrade(3, "intellectual")).Item("A3");
        Assert.Equal(ItemOutcome.Ineligible, a3.Outcome);
        Assert.Contains(a3.Reasons[0].Values!, v => v.Path == "grade" && v.Value == "3");
    }

    [Fact]
    public void A3_Grade3IntellectualWhenParameterOn_EligibleAtGrade2Amount()
    {
        var rules = WithRules("disability-assistance", t => t.Replace(
            "careSubsidyIncludesGrade3IntellectualMental: [{ from: 2025-01-01, value: false }]",
            "careSubsidyIncludesGrade3IntellectualMental: [{ from: 2025-01-01, value: true }]"));
        var a3 = rules.Assess(Facts(WithGrade(3, "intellectual")), AsOf).Item("A3");
        Assert.Equal(ItemOutcome.Eligible, a3.Outcome);
        Assert.Equal(140m, a3.Benefit!.MonthlyAmount);
        Assert.Equal(ItemOutcome.Ineligible, rules.Assess(Facts(WithGrade(3, "physical")), AsOf).Item("A3").Outcome);
    }

    [Fact]
    public void A3_CareNeedMissing_NeedsInformationAndReportsMissingFact()
    {
        var f = ApplicantA();
        f.Obj("disability").Remove("needsLongTermCare");
        var r = AssessA(f);
        Assert.Equal(ItemOutcome.NeedsInformation, r.Item("A3").Outcome);
        Assert.Equal(["disability.needsLongTermCare"], r.MissingFacts);
        Assert.Contains(r.Item("A3").Reasons[0].Values!, v => v.Path == "disability.needsLongTermCare" && v.Value == "(missing)");
    }

    [Fact]
    public void A3_NoCareNeed_Ineligible()
    {
        var f = ApplicantA();
        f.Obj("disability")["needsLongTermCare"] = false;
        Assert.Equal(ItemOutcome.Ineligible, AssessA(f).Item("A3").Outcome);
    }

    [Fact]
    public void A3_ViaA1_ConditionalOnA1WithoutAmount()
    {
        var a3 = AssessA(WithoutCertificate()).Item("A3");
        Assert.Equal(ItemOutcome.Conditional, a3.Outcome);
        Assert.Equal(["A1"], a3.DependsOn);
        Assert.Null(a3.Benefit);
        Assert.Contains("170", a3.Reasons[0].Message.Zh);
        Assert.Contains("170", a3.Reasons[0].Message.En);
    }

    [Fact]
    public void A3_TekunPerson_StillEligible()
    {
        var r = AssessA(Household(WithGrade(1), tekun: true));
        Assert.Equal(ItemOutcome.Eligible, r.Item("A3").Outcome);
        Assert.Equal(ItemOutcome.Ineligible, r.Item("A2").Outcome);
    }

    // ---- A4 ----
    [Theory]
    [InlineData(true, false, false, ItemOutcome.Eligible, "full")]
    [InlineData(false, true, false, ItemOutcome.Eligible, "full")]
    [InlineData(false, false, true, ItemOutcome.Eligible, "partial")]
    [InlineData(false, false, false, ItemOutcome.Ineligible, null)]
    public void A4_HardshipStatus_DecidesLevel(bool dibao, bool tekun, bool lowIncome, ItemOutcome outcome, string? level)
    {
        var a4 = AssessA(Household(ApplicantA(), dibao, tekun, lowIncome)).Item("A4");
        Assert.Equal(outcome, a4.Outcome);
        Assert.Equal(level, a4.Benefit?.Level);
    }

    [Fact]
    public void A4_LowIncomeWhenParameterExcludesIt_Ineligible()
    {
        var rules = WithRules("disability-assistance", t => t.Replace(
            "medicalAssistanceIncludesLowIncome: [{ from: 2025-01-01, value: true }]",
            "medicalAssistanceIncludesLowIncome: [{ from: 2025-01-01, value: false }]"));
        Assert.Equal(ItemOutcome.Ineligible, rules.Assess(Facts(Household(ApplicantA(), lowIncome: true)), AsOf).Item("A4").Outcome);
    }

    [Fact]
    public void A4_NoDisability_StillEligibleWithDibao()
    {
        var f = ApplicantA();
        f["disability"] = new JsonObject { ["hasCertificate"] = false };
        var r = AssessA(f);
        Assert.Equal(ItemOutcome.Eligible, r.Item("A4").Outcome);
        Assert.Equal(["A4", "A5"], r.Material("dibao-proof")!.RequiredFor.Where(c => c is "A4" or "A5"));
    }

    // ---- A5 ----
    [Fact]
    public void A5_DayBefore60thBirthday_Eligible()
    {
        var r = AssessA(ApplicantA(Id(AsOf.AddYears(-60).AddDays(1))));
        Assert.Equal(ItemOutcome.Eligible, r.Item("A5").Outcome);
        Assert.Equal(300m, r.Item("A5").Benefit!.YearlyAmount);
        Assert.Equal("full", r.Item("A5").Benefit!.Level);
    }

    [Fact]
    public void A5_Turns60Today_IneligibleWithAge()
    {
        var a5 = AssessA(ApplicantA(Id(AsOf.AddYears(-60)))).Item("A5");
        Assert.Equal(ItemOutcome.Ineligible, a5.Outcome);
        Assert.Contains("You are 60", a5.Reasons[0].Message.En);
        Assert.Contains("60周岁", a5.Reasons[0].Message.Zh);
    }

    [Fact]
    public void A5_Turns16Today_Eligible()
    {
        Assert.Equal(ItemOutcome.Eligible, AssessA(ApplicantA(Id(AsOf.AddYears(-16)))).Item("A5").Outcome);
    }

    [Fact]
    public void A5_Student_Ineligible()
    {
        var f = ApplicantA();
        f.Obj("applicant")["isStudent"] = true;
        Assert.Equal("A5-student", AssessA(f).Item("A5").Reasons.Single().RuleId);
    }

    [Fact]
    public void A5_SharedPensionReceivingBeatsDeclaration_IneligibleWithConflictNote()
    {
        var a5 = AssessA(ApplicantA(), Shared(("shared.pension.receiving", true))).Item("A5");
        Assert.Equal(ItemOutcome.Ineligible, a5.Outcome);
        Assert.Contains(a5.Reasons, x => x.RuleId == "conflict-pension-receiving");
    }

    [Fact]
    public void A5_Grade3WithoutHardship_Partial150()
    {
        var r = AssessA(Household(WithGrade(3)));
        var a5 = r.Item("A5");
        Assert.Equal(ItemOutcome.Eligible, a5.Outcome);
        Assert.Equal("partial", a5.Benefit!.Level);
        Assert.Equal(150m, a5.Benefit.YearlyAmount);
        Assert.Equal(["A5"], r.Material("disability-certificate")!.RequiredFor);
        Assert.Null(r.Material("hukou-book"));
    }

    [Fact]
    public void A5_LowIncome_Partial()
    {
        var a5 = AssessA(Household(WithoutCertificate(), lowIncome: true)).Item("A5");
        Assert.Equal(ItemOutcome.Eligible, a5.Outcome);
        Assert.Equal("partial", a5.Benefit!.Level);
    }

    [Fact]
    public void A5_OnlyRouteIsA1_ConditionalWithoutLevel()
    {
        var a5 = AssessA(Household(WithoutCertificate())).Item("A5");
        Assert.Equal(ItemOutcome.Conditional, a5.Outcome);
        Assert.Equal(["A1"], a5.DependsOn);
        Assert.Null(a5.Benefit);
    }

    [Fact]
    public void A5_Grade4HeldButNoHardship_Partial()
    {
        Assert.Equal("partial", AssessA(Household(WithGrade(4))).Item("A5").Benefit!.Level);
    }

    // ---- Materials ----
    [Fact]
    public void Materials_IdentityVerified_IdCardWaived()
    {
        var f = ApplicantA();
        f["evidence"] = new JsonObject { ["identityVerified"] = true };
        var m = AssessA(f).Material("id-card")!;
        Assert.Equal(("waived", "identity-verified"), (m.Status, m.WaivedBy));
    }

    [Fact]
    public void Materials_RegistryConfirmations_WaiveIdHukouBank()
    {
        var r = AssessA(ApplicantA(), Shared(("shared.population.identityConfirmed", true), ("shared.population.hukouRegion", "371581"),
            ("shared.bankAccount.registered", true)));
        Assert.Equal("shared:population-registry", r.Material("id-card")!.WaivedBy);
        Assert.Equal("shared:population-registry", r.Material("hukou-book")!.WaivedBy);
        Assert.Equal("shared:bank-registry", r.Material("bank-account")!.WaivedBy);
        Assert.Equal("required", r.Material("dibao-proof")!.Status);
    }

    [Fact]
    public void Materials_ListedOnceForEveryItemServed_IneligibleItemsLeftOut()
    {
        var r = AssessA(ApplicantA());
        Assert.Equal(["A2", "A3", "A4", "A5"], r.Material("id-card")!.RequiredFor);
        Assert.Equal(["A2", "A3"], r.Material("disability-certificate")!.RequiredFor);
        Assert.Null(r.Material("photo"));
    }
}
