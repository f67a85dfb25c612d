using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Approval.Api.Security;
using Approval.Tests.Support;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Approval.Tests.Security;

/// <summary>
/// The standard JwtBearer handler over HTTP: stand-alone HS256 tokens, tokens of an identity platform found through OIDC
/// discovery and JWKS (served here by a fake back channel), the one-role and Auth:MaxTokenHours rules, and the injected clock.
/// </summary>
public sealed class BearerTokenTests(IdentityPlatformApi api) : IClassFixture<IdentityPlatformApi>
{
    private const string Inbox = "/api/tasks?department=dpf";

    private async Task<HttpResponseMessage> GetInbox(string token)
    {
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(Inbox);
    }

    private static async Task AssertUnauthorizedProblem(HttpResponseMessage response, string detailContains)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
    }

    private static Dictionary<string, object> Claims(object role) => new() { ["role"] = role, ["sub"] = "someone", ["department"] = "dpf" };

    [Fact]
    public async Task Request_StandAloneToken_IsAccepted() =>
        Assert.Equal(HttpStatusCode.OK, (await GetInbox(api.Token(Roles.Reviewer, "dpf"))).StatusCode);

    [Fact]
    public async Task Request_WithoutToken_Is401ProblemAskingForOne() =>
        await AssertUnauthorizedProblem(await api.CreateClient().GetAsync(Inbox), "bearer token is required");

    [Fact]
    public async Task Request_TokenWithTwoRoles_Is401ProblemNamingTheRoles()
    {
        var token = api.StandAlone(Claims(new[] { Roles.Reviewer, Roles.Admin }), TimeSpan.FromHours(1));

        await AssertUnauthorizedProblem(await GetInbox(token), "2 roles");
    }

    [Fact]
    public async Task Request_TokenLongerThanMaxTokenHours_Is401ProblemNamingTheSetting()
    {
        var token = api.StandAlone(Claims(Roles.Reviewer), TimeSpan.FromHours(IdentityPlatformApi.MaxTokenHours + 1));

        await AssertUnauthorizedProblem(await GetInbox(token), "Auth:MaxTokenHours");
    }

    [Fact]
    public async Task Request_TokenOfExactlyMaxTokenHours_IsAccepted()
    {
        var token = api.StandAlone(Claims(Roles.Reviewer), TimeSpan.FromHours(IdentityPlatformApi.MaxTokenHours));

        Assert.Equal(HttpStatusCode.OK, (await GetInbox(token)).StatusCode);
    }

    [Fact]
    public async Task Request_AfterTheClockPassesExpiry_Is401()
    {
        var token = api.Token(Roles.Reviewer, "dpf");

        Assert.Equal(HttpStatusCode.OK, (await GetInbox(token)).StatusCode);
        api.Clock.Advance(TimeSpan.FromHours(api.Service<AuthOptions>().TokenHours + 1));
        await AssertUnauthorizedProblem(await GetInbox(token), "expired");
    }

    [Fact]
    public async Task Request_IdentityPlatformToken_IsAcceptedThroughDiscoveryAndJwks() =>
        Assert.Equal(HttpStatusCode.OK, (await GetInbox(api.FromPlatform(Claims(Roles.Reviewer), api.PlatformKey))).StatusCode);

    [Fact]
    public async Task Request_TokenSignedWithAKeyNotInTheJwks_Is401()
    {
        using var other = RSA.Create(2048);

        await AssertUnauthorizedProblem(await GetInbox(api.FromPlatform(Claims(Roles.Reviewer), new RsaSecurityKey(other) { KeyId = "platform-key" })), "signature");
    }

    [Fact]
    public async Task Request_IdentityPlatformTokenWithUnknownRole_Is401ProblemNamingIt() =>
        await AssertUnauthorizedProblem(await GetInbox(api.FromPlatform(Claims("superuser"), api.PlatformKey)), "superuser");

    [Fact]
    public async Task Swagger_Document_OffersBearerAuthenticationForEveryEndpoint()
    {
        var doc = await api.CreateClient().GetFromJsonAsync<JsonElement>("/swagger/v1/swagger.json");

        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Contains(doc.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("Bearer", out _));
    }
}

/// <summary>The API with Auth:Authority set to a fake identity platform whose discovery document and JWKS come from an in-memory back channel.</summary>
public sealed class IdentityPlatformApi : SqliteApi
{
    public const int MaxTokenHours = 10;
    public const string Authority = "https://idp.example.test/";
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    /// <summary>The API's clock; every token here is minted at its current time.</summary>
    public FakeTimeProvider Clock => _clock;

    public RsaSecurityKey PlatformKey => new(_rsa) { KeyId = "platform-key" };

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Auth:Authority", Authority), new("Auth:MaxTokenHours", MaxTokenHours.ToString()), new("Workflows:RunTimers", "false")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(_clock);
            s.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o => o.BackchannelHttpHandler = new Platform(_rsa));
        });
    }

    public string StandAlone(Dictionary<string, object> claims, TimeSpan lifetime) =>
        Sign(claims, lifetime, Service<AuthOptions>().Issuer, new SigningCredentials(Service<AuthOptions>().Key(), SecurityAlgorithms.HmacSha256));

    public string FromPlatform(Dictionary<string, object> claims, SecurityKey key) =>
        Sign(claims, TimeSpan.FromHours(1), Authority, new SigningCredentials(key, SecurityAlgorithms.RsaSha256));

    private string Sign(Dictionary<string, object> claims, TimeSpan lifetime, string issuer, SigningCredentials credentials)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = Service<AuthOptions>().Audience, Claims = claims,
            IssuedAt = now, NotBefore = now, Expires = now + lifetime, SigningCredentials = credentials,
        });
    }

    private sealed class Platform(RSA rsa) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var p = rsa.ExportParameters(false);
            var body = request.RequestUri!.AbsolutePath switch
            {
                "/.well-known/openid-configuration" => JsonSerializer.Serialize(new Dictionary<string, string> { ["issuer"] = Authority, ["jwks_uri"] = Authority + "jwks" }),
                "/jwks" => JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "platform-key", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } }),
                _ => null,
            };
            return Task.FromResult(body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
