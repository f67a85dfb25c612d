using Approval.Rules.Identifiers;

namespace Approval.Tests.Rules;

public class IdentifierTests
{
    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("440524188001010014")]
    public void ChineseId_PublishedExamples_Valid(string id) => Assert.True(ChineseId.IsValid(id));

    [Theory]
    [InlineData("110105194912310021")]
    [InlineData("11010519491331002X")]
    [InlineData("1101051949123100")]
    [InlineData("A1010519491231002X")]
    [InlineData(null)]
    public void ChineseId_WrongCheckDateLengthOrCharacter_Invalid(string? id) => Assert.False(ChineseId.IsValid(id));

    [Fact]
    public void ChineseId_LowerCaseX_Valid() => Assert.True(ChineseId.IsValid("11010519491231002x"));

    [Fact]
    public void ChineseId_BirthDateAndSex_FromPositions7To14And17()
    {
        Assert.True(ChineseId.TryGetBirthDate("11010519491231002X", out var birth));
        Assert.Equal(new DateOnly(1949, 12, 31), birth);
        Assert.False(ChineseId.IsMale("11010519491231002X"));
        Assert.True(ChineseId.IsMale("440524188001010014"));
    }

    [Fact]
    public void ChineseId_AgeOn_CountsCompletedYearsAndLeapDayTurnsOnMarchFirst()
    {
        Assert.Equal(15, ChineseId.AgeOn(new DateOnly(2010, 11, 23), new DateOnly(2026, 11, 22)));
        Assert.Equal(16, ChineseId.AgeOn(new DateOnly(2010, 11, 22), new DateOnly(2026, 11, 22)));
        Assert.Equal(16, ChineseId.AgeOn(new DateOnly(2008, 2, 29), new DateOnly(2025, 2, 28)));
        Assert.Equal(17, ChineseId.AgeOn(new DateOnly(2008, 2, 29), new DateOnly(2025, 3, 1)));
    }

    [Theory]
    [InlineData("91350100M000100Y43")]
    [InlineData("91110000600037341L")]
    public void CreditCode_PublishedExamples_Valid(string code) => Assert.True(CreditCode.IsValid(code));

    [Theory]
    [InlineData("91350100M000100Y44")]
    [InlineData("91350100M000100I43")]
    [InlineData("91350100M000100Y4")]
    [InlineData(null)]
    public void CreditCode_WrongCheckCharacterOrAlphabetOrLength_Invalid(string? code) => Assert.False(CreditCode.IsValid(code));

    [Fact]
    public void CreditCode_ComputeCheck_RoundTrips()
    {
        Assert.Equal('3', CreditCode.ComputeCheck("91350100M000100Y4"));
        var first17 = "9137158100000000A";
        Assert.True(CreditCode.IsValid(first17 + CreditCode.ComputeCheck(first17)));
    }
}
