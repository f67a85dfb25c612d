using System.Globalization;

namespace Approval.Rules.Identifiers;

/// <summary>GB 11643 citizen identity number: 17 digits and a check character (weighted mod 11, 0-9 or X).</summary>
public static class ChineseId
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    public static bool IsValid(string? id) =>
        id is { Length: 18 }
        && id.AsSpan(0, 17).IndexOfAnyExceptInRange('0', '9') < 0
        && char.ToUpperInvariant(id[17]) == CheckChar(id.AsSpan(0, 17))
        && TryBirthDate(id, out _);

    public static char CheckChar(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += (first17[i] - '0') * Weights[i];
        return CheckChars[sum % 11];
    }

    /// <summary>The birth date encoded in positions 7–14 (yyyyMMdd).</summary>
    public static bool TryBirthDate(string id, out DateOnly birthDate) =>
        DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out birthDate);

    /// <summary>The 17th digit: odd for male, even for female.</summary>
    public static bool IsMale(string id) => (id[16] - '0') % 2 == 1;

    /// <summary>Shows the region and the last four characters only: <c>371581**********123X</c>.</summary>
    public static string Mask(string? id) =>
        id is null ? "" : id.Length <= 10 ? new string('*', id.Length) : id[..6] + new string('*', id.Length - 10) + id[^4..];
}
