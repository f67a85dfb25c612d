using System.Text;
using Approval.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Approval.Api.Security;

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>HMAC-SHA256 signing key of the stand-alone tokens (the <c>token</c> command), at least 32 characters. Required unless <see cref="Authority"/> is set.</summary>
    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "approval-service";
    public string Audience { get; set; } = "approval-api";
    public int TokenHours { get; set; } = 8;

    /// <summary>An identity platform (OIDC issuer URL) whose discovery document and JWKS sign the tokens instead of, or besides, <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>Tokens valid for longer than this (expiry minus issue time) are refused.</summary>
    public int MaxTokenHours { get; set; } = 12;

    public bool HasAuthority => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>The stand-alone key; its key id keeps IdentityModel's key matching working when JWKS keys (with ids) are also in play.</summary>
    public SymmetricSecurityKey Key() => new(Encoding.UTF8.GetBytes(SigningKey)) { KeyId = "approval-hs256" };

    public IEnumerable<string> Problems()
    {
        if (!HasAuthority && SigningKey.Length < 32)
            yield return "Auth:SigningKey must be set to a secret of at least 32 characters (environment variable Auth__SigningKey), or Auth:Authority to an identity platform.";
        else if (SigningKey.Length is > 0 and < 32)
            yield return "Auth:SigningKey is shorter than 32 characters.";
        if (HasAuthority && !(Uri.TryCreate(Authority, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))))
            yield return $"Auth:Authority '{Authority}' must be an absolute https URL (the identity platform's issuer; http only on loopback).";
        if (string.IsNullOrWhiteSpace(Issuer)) yield return "Auth:Issuer must not be empty.";
        if (string.IsNullOrWhiteSpace(Audience)) yield return "Auth:Audience must not be empty.";
        if (MaxTokenHours < 1) yield return $"Auth:MaxTokenHours must be at least 1 (it is {MaxTokenHours}).";
        else if (TokenHours < 1 || TokenHours > MaxTokenHours)
            yield return $"Auth:TokenHours must be from 1 to Auth:MaxTokenHours ({MaxTokenHours}); it is {TokenHours}.";
    }
}

/// <summary>Mints stand-alone tokens signed with <see cref="AuthOptions.SigningKey"/>: the <c>token</c> operator command and the tests use it.</summary>
public static class TokenIssuer
{
    public static string Issue(AuthOptions auth, TimeProvider clock, string role, string? department = null, string? subject = null, TimeSpan? lifetime = null,
        string? session = null)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"unknown role '{role}' (one of {string.Join(", ", Roles.All)})", nameof(role));
        if (role == Roles.Reviewer && string.IsNullOrEmpty(department)) throw new ArgumentException("a reviewer needs --department", nameof(department));
        if (auth.SigningKey.Length < 32) throw new InvalidOperationException("Auth:SigningKey is not set: tokens come from Auth:Authority only.");
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

/// <summary>
/// Bearer tokens through the standard JwtBearer handler: HS256 tokens signed with <see cref="AuthOptions.SigningKey"/> and/or
/// tokens of <see cref="AuthOptions.Authority"/> (keys and issuer from its OIDC discovery document). Claims keep their JWT
/// names (<c>sub</c>, <c>role</c>, <c>department</c>); lifetimes are checked against the injected <see cref="TimeProvider"/>.
/// </summary>
public static class SecuritySetup
{
    public const string SchemeName = JwtBearerDefaults.AuthenticationScheme;

    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder, ConfigurationProblems problems)
    {
        var auth = problems.Bind<AuthOptions>(builder.Configuration, "Auth");
        problems.AddRange(auth.Problems());
        var personal = problems.Bind<PersonalDataOptions>(builder.Configuration, "Security");
        problems.AddRange(personal.Problems());
        builder.Services.AddSingleton(auth);
        var personalData = new PersonalData(personal);
        builder.Services.AddSingleton(personalData);
        var audit = problems.Bind<AuditOptions>(builder.Configuration, "Audit");
        if (audit.RetentionDays < AuditOptions.MinimumRetentionDays)
            problems.Add($"Audit:RetentionDays must be at least {AuditOptions.MinimumRetentionDays} (it is {audit.RetentionDays}).");
        builder.Services.AddSingleton(audit);
        try
        {
            builder.Services.AddSingleton(FieldProtector.FromConfiguration(builder.Configuration, personalData));
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
        builder.Services.AddAuthentication(SchemeName).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(SchemeName).Configure<TimeProvider>((o, clock) => Configure(o, auth, clock));
        return builder;
    }

    private static void Configure(JwtBearerOptions o, AuthOptions auth, TimeProvider clock)
    {
        o.MapInboundClaims = false;
        o.TimeProvider = clock;
        if (auth.HasAuthority)
        {
            o.Authority = auth.Authority;
            o.RequireHttpsMetadata = auth.Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        }
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuers = auth.SigningKey.Length > 0 ? [auth.Issuer] : null,
            ValidAudience = auth.Audience,
            IssuerSigningKey = auth.SigningKey.Length > 0 ? auth.Key() : null,
            ValidAlgorithms = auth.HasAuthority ? null : [SecurityAlgorithms.HmacSha256],
            NameClaimType = "sub",
            RoleClaimType = "role",
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return expires > now && (notBefore is null || notBefore <= now.AddMinutes(1));
            },
        };
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (Refusal(context, auth) is { } refusal) context.Fail(refusal);
                return Task.CompletedTask;
            },
            OnChallenge = WriteProblemAsync,
        };
    }

    /// <summary>Why a correctly signed, unexpired token is still refused, or null.</summary>
    private static string? Refusal(TokenValidatedContext context, AuthOptions auth)
    {
        var roles = context.Principal!.FindAll("role").Select(c => c.Value).ToList();
        if (roles.Count != 1) return roles.Count == 0 ? "the token has no role" : $"the token carries {roles.Count} roles; exactly one is allowed";
        if (!Roles.All.Contains(roles[0])) return $"the token's role '{roles[0]}' is not one of {string.Join(", ", Roles.All)}";
        if (roles[0] == Roles.Reviewer && context.Principal.FindFirst(Roles.DepartmentClaim) is null) return "a reviewer token needs a department claim";
        if (context.SecurityToken is not JsonWebToken token) return "the token is not a JWT";
        var issued = new[] { token.IssuedAt, token.ValidFrom }.Where(t => t != DateTime.MinValue).DefaultIfEmpty(DateTime.MinValue).Min();
        if (issued == DateTime.MinValue) return "the token has neither iat nor nbf, so its lifetime is unknown";
        var hours = (token.ValidTo - issued).TotalHours;
        return hours > auth.MaxTokenHours ? $"the token is valid for {hours:0.#} hours, beyond Auth:MaxTokenHours ({auth.MaxTokenHours})" : null;
    }

    private static async Task WriteProblemAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = context.AuthenticateFailure switch
                {
                    null => "a bearer token is required (Authorization: Bearer <token>)",
                    SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException => "the bearer token has expired or is not valid yet",
                    SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the bearer token's signature is not valid",
                    SecurityTokenInvalidIssuerException => "the bearer token's issuer is not accepted",
                    SecurityTokenInvalidAudienceException => "the bearer token's audience is not this service",
                    AuthenticationFailureException e => e.Message,
                    _ => "the bearer token is not valid",
                },
            },
        });
    }
}
