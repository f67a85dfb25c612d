using System.Security.Cryptography;
using System.Text;

namespace Approval.Api.Security;

/// <summary>Configuration section <c>Security</c>.</summary>
public sealed class PersonalDataOptions
{
    /// <summary>Secret for the keyed hashes by which personal identifiers are looked up (never by the clear value). At least 32 characters.</summary>
    public string LookupKey { get; set; } = "";

    public IEnumerable<string> Problems()
    {
        if (LookupKey.Length < 32)
            yield return "Security:LookupKey must be set to a secret of at least 32 characters (environment variable Security__LookupKey).";
    }
}

/// <summary>
/// PIPL handling of identifiers: a keyed hash (HMAC-SHA256) for look-ups, so ID numbers, credit codes and names
/// can be found without being stored in clear, and masks for responses and logs.
/// </summary>
public sealed class PersonalData(PersonalDataOptions options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.LookupKey);

    /// <summary>Hex HMAC-SHA256 of the trimmed, upper-cased value (so an <c>x</c> check character matches <c>X</c>).</summary>
    public string Hash(string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value.Trim().ToUpperInvariant())));

    /// <summary>A key for another purpose derived from the look-up secret (used for the audit chain when <c>Security:AuditKey</c> is not set).</summary>
    public byte[] DerivedKey(string purpose) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(purpose));

    public static string MaskPhone(string? phone) => phone is { Length: 11 } ? phone[..3] + "****" + phone[^4..] : "***";

    public static string MaskName(string? name) => string.IsNullOrEmpty(name) ? "" : name[..1] + new string('*', Math.Max(1, name.Length - 1));
}
