using System.Security.Cryptography;
using System.Text;
using Approval.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Approval.Api.Security;

/// <summary>
/// Encryption at rest of the columns that hold personal data (an application's facts, assessment and receipt; a
/// workflow instance's facts): AES-256-GCM with <c>Security:DataKey</c> (32 bytes, base64), stored as
/// <c>enc:v1:</c> + base64(nonce ‖ ciphertext ‖ tag). Without a key nothing is encrypted; values written before a key
/// was set stay readable (no prefix), so encryption can be switched on for a running deployment. Nothing is ever
/// looked up by these columns — look-ups go through keyed hashes — so a random nonce per value is fine.
/// </summary>
public sealed class FieldProtector
{
    public const string Prefix = "enc:v1:";
    private const int NonceSize = 12, TagSize = 16;
    private readonly byte[]? _key;

    public static readonly FieldProtector None = new(null);

    public FieldProtector(byte[]? key)
    {
        if (key is not null && key.Length != 32) throw new InvalidOperationException("Security:DataKey must be 32 bytes, base64-encoded.");
        _key = key;
        KeyId = key is null ? "none" : Convert.ToHexStringLower(SHA256.HashData(key))[..16];
    }

    public static FieldProtector FromConfiguration(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) return None;
        try
        {
            return new FieldProtector(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Security:DataKey must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`).");
        }
    }

    public bool Enabled => _key is not null;

    /// <summary>Identifies the key (a hash prefix), never the key itself.</summary>
    public string KeyId { get; }

    public string Protect(string plain)
    {
        if (_key is null) return plain;
        var data = Encoding.UTF8.GetBytes(plain);
        var buffer = new byte[NonceSize + data.Length + TagSize];
        var nonce = buffer.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, data, buffer.AsSpan(NonceSize, data.Length), buffer.AsSpan(NonceSize + data.Length));
        return Prefix + Convert.ToBase64String(buffer);
    }

    public string Unprotect(string stored)
    {
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        if (_key is null) throw new InvalidOperationException("A column is encrypted but Security:DataKey is not set.");
        var buffer = Convert.FromBase64String(stored[Prefix.Length..]);
        var length = buffer.Length - NonceSize - TagSize;
        var plain = new byte[length];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(buffer.AsSpan(0, NonceSize), buffer.AsSpan(NonceSize, length), buffer.AsSpan(NonceSize + length), plain);
        return Encoding.UTF8.GetString(plain);
    }
}

/// <summary>One EF model per data key: the value converters of the protected columns depend on it.</summary>
internal sealed class ProtectedModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), (context as ApprovalDb)?.Protector.KeyId, designTime);
}
