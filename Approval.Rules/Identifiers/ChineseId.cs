using System.Globalization;

namespace Approval.Rules.Identifiers;

/// <summary>Resident ID numbers (GB 11643-1999): 17 digits and a check character, weighted mod 11.</summary>
public static class ChineseId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != 18) return false;
        for (var i = 0; i < 17; i++)
            if (!char.IsAsciiDigit(id[i])) return false;
        return char.ToUpperInvariant(id[17]) == ComputeCheck(id.AsSpan(0, 17)) && TryGetBirthDate(id, out _);
    }

    /// <summary>The check character for the first 17 digits.</summary>
    public static char ComputeCheck(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17) throw new ArgumentException("17 digits expected", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(first17[i])) throw new ArgumentException("17 digits expected", nameof(first17));
            sum += (first17[i] - '0') * Weights[i];
        }
        return CheckChars[sum % 11];
    }

    /// <summary>Birth date from positions 7–14 (yyyyMMdd).</summary>
    public static bool TryGetBirthDate(string? id, out DateOnly birthDate)
    {
        birthDate = default;
        return id is { Length: 18 }
               && DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out birthDate);
    }

    /// <summary>The 17th character (sequence digit): odd = male.</summary>
    public static bool? IsMale(string? id) =>
        id is { Length: 18 } && char.IsAsciiDigit(id[16]) ? (id[16] - '0') % 2 == 1 : null;

    /// <summary>Completed years on <paramref name="on"/>; someone born on 29 February turns a year older on 1 March in common years.</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly on)
    {
        var age = on.Year - birthDate.Year;
        if (on.Month < birthDate.Month || (on.Month == birthDate.Month && on.Day < birthDate.Day)) age--;
        return age;
    }

    /// <summary>Shows the region and the last four characters only: <c>371581********123X</c>.</summary>
    public static string Mask(string? id) =>
        id is null ? "" : id.Length <= 10 ? new string('*', id.Length) : id[..6] + new string('*', id.Length - 10) + id[^4..];
}
