using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Approval.Api.Security;

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>HMAC-SHA256 signing key, at least 32 characters. Required.</summary>
    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "approval-service";
    public string Audience { get; set; } = "approval-api";
    public int TokenHours { get; set; } = 8;

    public SymmetricSecurityKey Key() => new(Encoding.UTF8.GetBytes(SigningKey));

    public void Check()
    {
        if (SigningKey.Length < 32)
            throw new InvalidOperationException("Auth:SigningKey must be set to a secret of at least 32 characters (environment variable Auth__SigningKey).");
    }
}

/// <summary>Bearer-token authentication: HS256 JWTs signed with the configured key, validated against the injected clock.</summary>
public sealed class JwtAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AuthOptions auth, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    private static readonly JsonWebTokenHandler Tokens = new() { MapInboundClaims = false };

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var now = clock.GetUtcNow().UtcDateTime;
        var result = await Tokens.ValidateTokenAsync(header["Bearer ".Length..].Trim(), new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKey = auth.Key(),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = "sub",
            RoleClaimType = "role",
            LifetimeValidator = (notBefore, expires, _, _) => (notBefore is null || notBefore <= now.AddMinutes(1)) && expires > now,
        });
        if (!result.IsValid) return AuthenticateResult.Fail("invalid bearer token");
        var identity = result.ClaimsIdentity;
        var role = identity.FindFirst("role")?.Value;
        if (role is null || !Roles.All.Contains(role)) return AuthenticateResult.Fail("the token has no known role");
        if (role == Roles.Reviewer && identity.FindFirst(Roles.DepartmentClaim) is null)
            return AuthenticateResult.Fail("a reviewer token needs a department claim");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

/// <summary>Mints tokens: the <c>token</c> operator command and the tests use it.</summary>
public static class TokenIssuer
{
    public static string Issue(AuthOptions auth, TimeProvider clock, string role, string? department = null, string? subject = null, TimeSpan? lifetime = null,
        string? session = null)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"unknown role '{role}' (one of {string.Join(", ", Roles.All)})", nameof(role));
        if (role == Roles.Reviewer && string.IsNullOrEmpty(department)) throw new ArgumentException("a reviewer needs --department", nameof(department));
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["role"] = role, ["sub"] = subject ?? $"{role}-{Guid.NewGuid():N}"[..20] };
        if (department is not null) claims[Roles.DepartmentClaim] = department;
        if (session is not null || role == Roles.Kiosk) claims[AccessPolicies.SessionClaim] = session ?? Guid.NewGuid().ToString("N");
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(auth.TokenHours)),
            SigningCredentials = new SigningCredentials(auth.Key(), SecurityAlgorithms.HmacSha256),
        });
    }
}

public static class SecuritySetup
{
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
        auth.Check();
        var personal = builder.Configuration.GetSection("Security").Get<PersonalDataOptions>() ?? new PersonalDataOptions();
        personal.Check();
        builder.Services.AddSingleton(auth);
        builder.Services.AddSingleton(new PersonalData(personal));
        builder.Services.AddSingleton(FieldProtector.FromConfiguration(builder.Configuration["Security:DataKey"]));
        builder.Services.AddAuthentication(JwtAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, JwtAuthenticationHandler>(JwtAuthenticationHandler.SchemeName, null);
        return builder;
    }
}
