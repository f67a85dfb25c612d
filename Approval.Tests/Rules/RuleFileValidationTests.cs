using Approval.Rules.Yaml;
using static Approval.Tests.Rules.MiniBundle;

namespace Approval.Tests.Rules;

/// <summary>Every problem in a rules.yaml is a DefinitionException naming the file, the line and the rule.</summary>
public class RuleFileValidationTests
{
    private static DefinitionException Fails(string rules, string expectedLineText)
    {
        var e = Assert.Throws<DefinitionException>(() => Compile(rules));
        Assert.EndsWith("rules.yaml", e.File);
        var expectedLine = rules.Split('\n').ToList().FindIndex(l => l.Contains(expectedLineText)) + 1;
        Assert.Equal(expectedLine, e.Line);
        return e;
    }

    private const string Ok = """
        rules:
          - id: fine
            item: X
            when: n > 1
            then: [{ outcome: eligible }]
        """;

    [Fact]
    public void Compile_ValidRules_Succeeds() => Assert.Equal(1, Compile(Ok).RuleCount);

    [Fact]
    public void Compile_UnknownFactPath_NamesFileLineAndRule()
    {
        var e = Fails(Ok + """

              - id: typo
                item: X
                when: household.dibaoo == true
                then: [{ outcome: eligible }]
            """, "household.dibaoo");
        Assert.Contains("rule typo", e.Problem);
        Assert.Contains("unknown fact 'household.dibaoo'", e.Problem);
    }

    [Fact]
    public void Compile_BoolComparedWithNumber_TypeError()
    {
        var e = Fails("""
            rules:
              - id: mixed
                item: X
                when: flag == 1
                then: [{ outcome: eligible }]
            """, "flag == 1");
        Assert.Contains("rule mixed: cannot compare a bool with a number", e.Problem);
    }

    [Fact]
    public void Compile_ArithmeticOnString_TypeError()
    {
        var e = Fails("rules: [{ id: arith, item: X, when: s + 1 > 2, then: [{ outcome: eligible }] }]", "arith");
        Assert.Contains("needs a number, found a string", e.Problem);
    }

    [Fact]
    public void Compile_UnknownParameter_Error()
    {
        var e = Fails("rules: [{ id: p, item: X, when: n > param.nope, then: [{ outcome: eligible }] }]", "param.nope");
        Assert.Contains("rule p: unknown parameter 'nope'", e.Problem);
    }

    [Fact]
    public void Compile_UnknownFunction_Error()
    {
        var e = Fails("rules: [{ id: f, item: X, when: shout(s) == 'A', then: [{ outcome: eligible }] }]", "shout");
        Assert.Contains("unknown function 'shout'", e.Problem);
    }

    [Fact]
    public void Compile_DuplicateRuleId_NamesSecondOccurrence()
    {
        var e = Fails(Ok + "\n  - { id: fine, item: Y, when: n > 2, then: [{ outcome: eligible }] }", "id: fine, item: Y");
        Assert.Contains("rule fine: duplicate rule id", e.Problem);
    }

    [Fact]
    public void Compile_UnknownItem_Error()
    {
        var e = Fails("rules: [{ id: i, item: Z, when: n > 2, then: [{ outcome: eligible }] }]", "id: i");
        Assert.Contains("unknown item 'Z'", e.Problem);
    }

    [Fact]
    public void Compile_UnknownMaterial_Error()
    {
        var e = Fails("""
            rules:
              - id: m
                item: X
                when: "true"
                then:
                  - require: [m1, passport]
            """, "require");
        Assert.Contains("rule m: unknown material 'passport'", e.Problem);
    }

    [Fact]
    public void Compile_EnumLiteralNotAValue_Error()
    {
        var e = Fails("rules: [{ id: e, item: X, when: s == 'c', then: [{ outcome: eligible }] }]", "id: e");
        Assert.Contains("'c' is not one of the values a, b", e.Problem);
    }

    [Fact]
    public void Compile_SyntaxError_Error()
    {
        var e = Fails("rules: [{ id: syn, item: X, when: n > , then: [{ outcome: eligible }] }]", "id: syn");
        Assert.Contains("rule syn:", e.Problem);
    }

    [Fact]
    public void Compile_UnknownOutcomeAndBadWaiverSource_Errors()
    {
        Assert.Contains("unknown outcome 'granted'",
            Fails("rules: [{ id: o, item: X, when: n > 1, then: [{ outcome: granted }] }]", "id: o").Problem);
        Assert.Contains("waiver source 'someone'",
            Fails("rules: [{ id: w, when: n > 1, then: [{ waive: m1, by: someone }] }]", "id: w").Problem);
    }

    [Fact]
    public void Compile_UnknownSharedFactAndUndeclaredIntermediate_Errors()
    {
        Assert.Contains("unknown shared fact 'shared.x.y'",
            Fails("rules: [{ id: s, item: X, when: shared.x.y == true, then: [{ outcome: eligible }] }]", "id: s").Problem);
        Assert.Contains("'big' is not an intermediate fact",
            Fails("rules: [{ id: i, when: n > 1, then: [{ set: big, value: 'true' }] }]", "id: i").Problem);
    }

    [Fact]
    public void Compile_MessagePlaceholderWithUnknownFact_Error()
    {
        var e = Fails("""
            rules:
              - id: msg
                item: X
                when: n > 1
                then:
                  - outcome: eligible
                    message: "n is {nn}"
            """, "message:");
        Assert.Contains("unknown fact 'nn'", e.Problem);
    }

    [Fact]
    public void Compile_ParameterValuesOfMixedTypesOrUnorderedDates_Error()
    {
        Assert.Contains("every value must be a number",
            Fails("parameters: { p: [{ from: 2025-01-01, value: 1 }, { from: 2026-01-01, value: yes }] }\nrules: []", "2026-01-01").Problem);
        Assert.Contains("'from' dates must increase",
            Fails("parameters: { p: [{ from: 2026-01-01, value: 1 }, { from: 2025-01-01, value: 2 }] }\nrules: []", "2025-01-01").Problem);
    }

    [Fact]
    public void Compile_DerivedFactReferringToItself_Error_AndOnlyEarlierDerivedFactsAreVisible()
    {
        var e = Fails("derived:\n  a: n > 1\n  b: b and a\nrules: []", "b: b and a");
        Assert.Contains("derived fact 'b' refers to itself", e.Problem);
        Assert.Contains("unknown fact 'b'", Fails("derived:\n  a: b > 1\n  b: n\nrules: []", "a: b > 1").Problem);
    }

    [Fact]
    public void Compile_UnknownKey_Error()
    {
        var e = Fails("rules: [{ id: k, item: X, whenn: n > 1, then: [] }]", "id: k");
        Assert.Contains("unknown key 'whenn'", e.Problem);
    }

    private static string WithMessage(string message) => $$"""
        rules:
          - id: bilingual
            item: X
            when: n > 1
            then:
              - outcome: ineligible
                message: {{message}}
        """;

    [Theory]
    [InlineData("{ zh: \"n 是 {n}\" }", "has no 'en' text")]
    [InlineData("{ en: \"n is {n}\" }", "has no 'zh' text")]
    [InlineData("{ zh: \"n 是 {n}\", en: \"  \" }", "message.en is empty")]
    [InlineData("{ zh: \"n 是 {n}\", en: \"n is {n}\", fr: \"n est {n}\" }", "unknown key 'fr'")]
    [InlineData("[\"n 是 {n}\", \"n is {n}\"]", "message must be a text or")]
    [InlineData("{ zh: \"n 是 {n}\", en: \"n is {nn}\" }", "unknown fact 'nn'")]
    public void Compile_MessageMissingALanguageOrMalformed_ErrorAtItsLine(string message, string problem)
    {
        var e = Fails(WithMessage(message), "message:");
        Assert.Contains("rule bilingual", e.Problem);
        Assert.Contains(problem, e.Problem);
        Assert.Contains($"rules.yaml:{e.Line}:", e.Message);
    }

    [Fact]
    public void Compile_MessageInBothLanguages_EachFilledFromTheFacts()
    {
        var reason = Run(WithMessage("{ zh: \"n 是 {n}\", en: \"n is {n}\" }"), """{ "n": 4 }""").Item("X").Reasons.Single();
        Assert.Equal(new LocalizedText("n 是 4", "n is 4"), reason.Message);
    }

    [Fact]
    public void Compile_PlainStringMessage_SameTextInBothLanguages()
    {
        var reason = Run(WithMessage("\"n 是 {n}\""), """{ "n": 4 }""").Item("X").Reasons.Single();
        Assert.Equal(LocalizedText.Same("n 是 4"), reason.Message);
    }
}
