namespace Approval.Rules.Identifiers;

/// <summary>GB 32100 unified social credit code: 18 characters, the last a mod-31 check character.</summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static bool IsValid(string? code)
    {
        if (code is not { Length: 18 }) return false;
        foreach (var c in code)
            if (Alphabet.IndexOf(c) < 0) return false;
        return ComputeCheck(code.AsSpan(0, 17)) == code[17];
    }

    public static char ComputeCheck(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var v = Alphabet.IndexOf(first17[i]);
            if (v < 0) throw new ArgumentException($"'{first17[i]}' is not a credit-code character", nameof(first17));
            sum += v * Weights[i];
        }
        return Alphabet[(31 - sum % 31) % 31];
    }
}
