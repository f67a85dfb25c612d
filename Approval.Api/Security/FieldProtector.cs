using System.Security.Cryptography;
using System.Text;
using Approval.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Approval.Api.Security;

/// <summary>
/// Encryption at rest of the columns that hold personal data (<see cref="ProtectedColumns"/>): AES-256-GCM with the
/// current key of <c>Security:DataKeys</c> (or the single <c>Security:DataKey</c>), stored as
/// <c>enc:v2:&lt;key id&gt;:</c> + base64(nonce ‖ ciphertext ‖ tag); binary values as <c>ENC2</c> ‖ key id ‖ 0 ‖ nonce ‖
/// ciphertext ‖ tag. The associated data is the value's place — table, column and row — so a ciphertext copied into
/// another row or column does not decrypt there (<see cref="MisplacedValueException"/>). Older keys stay readable by
/// their id until <c>reencrypt</c> has moved every value to the current key; <c>enc:v1:</c> values (one key, no
/// associated data) are still read. Without a key nothing is encrypted and clear values stay readable.
/// The same object carries the keyed hash for look-ups (<see cref="Hash"/>) and the audit chain key.
/// </summary>
public sealed class FieldProtector
{
    public const string LegacyPrefix = "enc:v1:";
    public const string Prefix = "enc:v2:";
    private static readonly byte[] BinaryMagic = "ENC2"u8.ToArray();
    private const int NonceSize = 12, TagSize = 16;
    private readonly Dictionary<string, byte[]> _keys;
    private readonly PersonalData? _lookup;

    public static readonly FieldProtector None = new(null);

    public FieldProtector(byte[]? key, PersonalData? lookup = null, byte[]? auditKey = null)
        : this(key is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]> { [DerivedKeyId(key)] = key },
            key is null ? null : DerivedKeyId(key), lookup, auditKey)
    {
    }

    public FieldProtector(IReadOnlyDictionary<string, byte[]> keys, string? currentKeyId, PersonalData? lookup = null, byte[]? auditKey = null)
    {
        foreach (var (id, key) in keys)
        {
            if (key.Length != 32) throw new InvalidOperationException($"Security:DataKeys:{id} must be 32 bytes, base64-encoded.");
            if (id.Length is 0 or > 16 || !id.All(char.IsAsciiLetterOrDigit))
                throw new InvalidOperationException($"Security:DataKeys: key id '{id}' must be 1 to 16 letters or digits.");
        }
        if (keys.Count > 0 && (currentKeyId is null || !keys.ContainsKey(currentKeyId)))
            throw new InvalidOperationException("Security:DataKeyId must name one of Security:DataKeys (the key new values are encrypted with).");
        _keys = new Dictionary<string, byte[]>(keys, StringComparer.Ordinal);
        KeyId = keys.Count == 0 ? "none" : currentKeyId!;
        _lookup = lookup;
        AuditKey = auditKey ?? (lookup is null ? null : lookup.DerivedKey("audit-chain"));
    }

    /// <summary>
    /// <c>Security:DataKeys:&lt;id&gt;</c> (base64, 32 bytes each) with <c>Security:DataKeyId</c> naming the current one, or
    /// the single <c>Security:DataKey</c>; <c>Security:AuditKey</c> (at least 32 characters) keys the audit chain.
    /// </summary>
    public static FieldProtector FromConfiguration(IConfiguration configuration, PersonalData? lookup)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection("Security:DataKeys").GetChildren())
            keys[entry.Key] = Decode(entry.Value, $"Security:DataKeys:{entry.Key}");
        var current = configuration["Security:DataKeyId"];
        if (configuration["Security:DataKey"] is { Length: > 0 } single && !string.IsNullOrWhiteSpace(single))
        {
            var key = Decode(single, "Security:DataKey");
            var id = DerivedKeyId(key);
            keys.TryAdd(id, key);
            if (string.IsNullOrEmpty(current)) current = id;
        }
        if (keys.Count == 1 && string.IsNullOrEmpty(current)) current = keys.Keys.Single();
        byte[]? auditKey = null;
        if (configuration["Security:AuditKey"] is { Length: > 0 } audit)
        {
            if (audit.Length < 32) throw new InvalidOperationException("Security:AuditKey must be a secret of at least 32 characters.");
            auditKey = Encoding.UTF8.GetBytes(audit);
        }
        return new FieldProtector(keys, string.IsNullOrEmpty(current) ? null : current, lookup, auditKey);
    }

    /// <summary>For tests and the single-key setting: the key from <c>Security:DataKey</c> alone.</summary>
    public static FieldProtector FromConfiguration(string? base64) =>
        string.IsNullOrWhiteSpace(base64) ? None : new FieldProtector(Decode(base64, "Security:DataKey"));

    private static byte[] Decode(string? base64, string name)
    {
        try
        {
            var key = Convert.FromBase64String(base64 ?? "");
            return key.Length == 32 ? key : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{name} must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`).");
        }
    }

    /// <summary>The id of a key given without one: a prefix of its hash, never the key itself.</summary>
    public static string DerivedKeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];

    public bool Enabled => _keys.Count > 0;

    /// <summary>The id of the current key ("none" without encryption).</summary>
    public string KeyId { get; }

    /// <summary>The key of the audit chain's HMAC (never stored in the database).</summary>
    public byte[]? AuditKey { get; }

    /// <summary>The keyed hash by which a protected value is still found (e.g. a certificate number's uniqueness).</summary>
    public string? Hash(string? value) => value is null || _lookup is null ? null : _lookup.Hash(value);

    public string Protect(string plain, string place)
    {
        if (!Enabled) return plain;
        var data = Encoding.UTF8.GetBytes(plain);
        return Prefix + KeyId + ":" + Convert.ToBase64String(Seal(data, place));
    }

    public string Unprotect(string stored, string place)
    {
        if (stored.StartsWith(LegacyPrefix, StringComparison.Ordinal)) return UnprotectLegacy(stored);
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        var colon = stored.IndexOf(':', Prefix.Length);
        if (colon < 0) throw new MisplacedValueException(place, "it is not a well-formed encrypted value");
        var keyId = stored[Prefix.Length..colon];
        byte[] buffer;
        try
        {
            buffer = Convert.FromBase64String(stored[(colon + 1)..]);
        }
        catch (FormatException)
        {
            throw new MisplacedValueException(place, "it is not a well-formed encrypted value");
        }
        return Encoding.UTF8.GetString(Open(keyId, buffer, place));
    }

    public byte[] Protect(byte[] plain, string place)
    {
        if (!Enabled) return plain;
        var id = Encoding.ASCII.GetBytes(KeyId);
        return [.. BinaryMagic, .. id, 0, .. Seal(plain, place)];
    }

    public byte[] Unprotect(byte[] stored, string place)
    {
        if (!IsProtected(stored)) return stored;
        var end = Array.IndexOf(stored, (byte)0, BinaryMagic.Length);
        if (end < 0) throw new MisplacedValueException(place, "it is not a well-formed encrypted value");
        return Open(Encoding.ASCII.GetString(stored, BinaryMagic.Length, end - BinaryMagic.Length), stored[(end + 1)..], place);
    }

    public static bool IsProtected(string? stored) =>
        stored is not null && (stored.StartsWith(Prefix, StringComparison.Ordinal) || stored.StartsWith(LegacyPrefix, StringComparison.Ordinal));

    public static bool IsProtected(byte[]? stored) => stored is not null && stored.AsSpan().StartsWith(BinaryMagic);

    /// <summary>True when the stored value is already encrypted with the current key (nothing for <c>reencrypt</c> to do).</summary>
    public bool IsCurrent(string? stored) => stored is null || (Enabled ? stored.StartsWith(Prefix + KeyId + ":", StringComparison.Ordinal) : !IsProtected(stored));

    public bool IsCurrent(byte[]? stored) => stored is null || (Enabled
        ? stored.AsSpan().StartsWith([.. BinaryMagic, .. Encoding.ASCII.GetBytes(KeyId), (byte)0])
        : !IsProtected(stored));

    private byte[] Seal(byte[] data, string place)
    {
        var buffer = new byte[NonceSize + data.Length + TagSize];
        var nonce = buffer.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[KeyId], TagSize);
        aes.Encrypt(nonce, data, buffer.AsSpan(NonceSize, data.Length), buffer.AsSpan(NonceSize + data.Length), Encoding.UTF8.GetBytes(place));
        return buffer;
    }

    private byte[] Open(string keyId, byte[] buffer, string place)
    {
        if (!Enabled) throw new InvalidOperationException($"The value in {place} is encrypted but Security:DataKey / Security:DataKeys is not set.");
        if (!_keys.TryGetValue(keyId, out var key))
            throw new InvalidOperationException($"The value in {place} is encrypted with key '{keyId}', which is not in Security:DataKeys.");
        if (buffer.Length < NonceSize + TagSize) throw new MisplacedValueException(place, "it is too short to be an encrypted value");
        var length = buffer.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(buffer.AsSpan(0, NonceSize), buffer.AsSpan(NonceSize, length), buffer.AsSpan(NonceSize + length), plain, Encoding.UTF8.GetBytes(place));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new MisplacedValueException(place, "it was written for another table, column or row, or altered");
        }
        return plain;
    }

    private string UnprotectLegacy(string stored)
    {
        if (!Enabled) throw new InvalidOperationException("A column is encrypted but Security:DataKey is not set.");
        var buffer = Convert.FromBase64String(stored[LegacyPrefix.Length..]);
        var length = buffer.Length - NonceSize - TagSize;
        foreach (var key in _keys.Values)
        {
            var plain = new byte[length];
            try
            {
                using var aes = new AesGcm(key, TagSize);
                aes.Decrypt(buffer.AsSpan(0, NonceSize), buffer.AsSpan(NonceSize, length), buffer.AsSpan(NonceSize + length), plain);
                return Encoding.UTF8.GetString(plain);
            }
            catch (AuthenticationTagMismatchException)
            {
            }
        }
        throw new CryptographicException("An enc:v1 value decrypts with none of the configured data keys.");
    }
}

/// <summary>An encrypted value that does not belong where it was read (copied from another row or column) or was altered.</summary>
public sealed class MisplacedValueException(string place, string why)
    : CryptographicException($"The encrypted value in {place} cannot be decrypted: {why}.")
{
    public string Place { get; } = place;
}

/// <summary>One EF model per data key id.</summary>
internal sealed class ProtectedModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), (context as ApprovalDb)?.Protector.Enabled, designTime);
}
