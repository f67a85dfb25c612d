using Approval.Rules.Identifiers;

namespace Approval.Tests.Support;

/// <summary>Valid identifiers for tests: GB 11643 ID numbers and GB 32100 credit codes with correct check characters.</summary>
public static class TestIds
{
    /// <summary>An ID number registered in <paramref name="region"/>, born on <paramref name="birth"/>, with a sequence number.</summary>
    public static string Person(DateOnly birth, int sequence = 1, bool male = true, string region = "371581")
    {
        var seq = sequence % 50 * 2 + (male ? 1 : 0);
        var first17 = $"{region}{birth:yyyyMMdd}{seq + 100:D3}";
        return first17 + ChineseId.ComputeCheck(first17);
    }

    public static string Person(string birth, int sequence = 1, bool male = true, string region = "371581") =>
        Person(DateOnly.Parse(birth), sequence, male, region);

    public static string Company(int n = 1)
    {
        var first17 = $"91371581MA{n:D7}";
        return first17 + CreditCode.ComputeCheck(first17);
    }

    /// <summary>The same ID number with a wrong check character.</summary>
    public static string Corrupt(string id) => id[..17] + (id[17] == '0' ? '1' : '0');
}
