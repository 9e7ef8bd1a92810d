using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Input;
using Feed.IntegrationTests.Social;
using Feed.SharedKernel.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Feed.IntegrationTests.Users;

/// <summary>
/// A token is good only for a user that exists now, with the password of the token's time: validly
/// signed tokens (made here with the service's own key, as a leaked key or a deleted user would give)
/// for anybody else are a 401 on every authenticated endpoint, and never a write. So is a token the
/// service did not make as it makes its own: expired, for another issuer or audience, unsigned or signed
/// with another key.
/// </summary>
public sealed class TokenUserTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> AuthenticatedRequests => new()
    {
        { "GET", "/api/users/me" },
        { "POST", "/api/posts" },
        { "POST", $"/api/users/{Guid.NewGuid()}/follow" },
        { "GET", "/api/timeline" },
    };

    [Theory]
    [MemberData(nameof(AuthenticatedRequests))]
    public async Task A_signed_token_for_a_user_that_does_not_exist_is_a_401(string method, string path)
    {
        var token = SignedToken(new() { [JwtRegisteredClaimNames.Sub] = Guid.NewGuid().ToString(), [FeedAuthOptions.SecurityStampClaim] = "anything" });

        var response = await SendAsync(method, path, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AuthenticatedRequests))]
    public async Task A_signed_token_whose_subject_is_not_a_user_id_is_a_401(string method, string path)
    {
        var token = SignedToken(new() { [JwtRegisteredClaimNames.Sub] = "admin", [FeedAuthOptions.SecurityStampClaim] = "anything" });

        var response = await SendAsync(method, path, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public static TheoryData<string, string, string> OneThingWrong
    {
        get
        {
            var cases = new TheoryData<string, string, string>();
            foreach (var fault in new[] { "expired", "wrong issuer", "wrong audience", "alg none", "another key", "subject not a guid", "unknown user" })
            {
                cases.Add(fault, "GET", "/api/timeline");
                cases.Add(fault, "POST", "/api/posts");
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(OneThingWrong))]
    public async Task A_token_with_one_thing_wrong_is_a_401_and_writes_nothing_while_the_same_token_made_right_is_accepted(string fault, string method, string path)
    {
        var user = await api.RegisterAsync();
        var claims = ClaimsOf(user);

        // The control: the issued token's own claims, minted right, are accepted; so the 401 is the fault's doing.
        var accepted = await SendAsync(method, path, Mint(claims, fault: null));
        var refused = await SendAsync(method, path, Mint(claims, fault));

        Assert.Equal(method == "POST" ? HttpStatusCode.Created : HttpStatusCode.OK, accepted.StatusCode);
        var problem = await refused.AssertProblemDocumentAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("bearer token", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(refused.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
        var posts = await api.CreateClient().ReadAllPagesAsync($"/api/users/{user.UserId}/posts", 10);
        Assert.Equal(method == "POST" ? 1 : 0, posts.Count);
    }

    [Fact]
    public async Task A_follow_with_a_token_for_nobody_leaves_nothing_behind()
    {
        var target = await api.RegisterAsync();
        var token = SignedToken(new() { [JwtRegisteredClaimNames.Sub] = Guid.NewGuid().ToString(), [FeedAuthOptions.SecurityStampClaim] = "x" });

        var follow = await SendAsync("POST", $"/api/users/{target.UserId}/follow", token);
        var followers = await api.CreateClient().GetAsync($"/api/users/{target.UserId}/followers", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, follow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, followers.StatusCode);
        Assert.Empty((await followers.ReadJsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task A_token_of_a_real_user_without_the_current_security_stamp_is_a_401()
    {
        var user = await api.RegisterAsync();
        var token = SignedToken(new() { [JwtRegisteredClaimNames.Sub] = user.UserId.ToString(), ["name"] = user.Username });

        var response = await SendAsync("GET", "/api/users/me", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_password_change_ends_the_tokens_issued_before_it_and_the_new_password_gets_a_working_one()
    {
        var user = await api.RegisterAsync();
        var earlier = user.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/api/users/me", earlier)).StatusCode);

        (await user.Http.PatchAsJsonAsync("/api/users/me", new { password = "a brand new password", current_password = UsersApi.Password }, Ct)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("GET", "/api/users/me", earlier)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync("POST", "/api/posts", earlier)).StatusCode);
        var issued = await api.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = user.Username, password = "a brand new password" }, Ct);
        var renewed = (await issued.ReadJsonAsync())["access_token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/api/users/me", renewed)).StatusCode);
    }

    [Fact]
    public async Task A_profile_change_without_a_new_password_keeps_the_token()
    {
        var user = await api.RegisterAsync();

        (await user.Http.PatchAsJsonAsync("/api/users/me", new { location = "Lisbon" }, Ct)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/users/me", Ct)).StatusCode);
    }

    /// <summary>The claims of the token the service issued to <paramref name="user"/>, without the ones <see cref="Mint"/> sets.</summary>
    private static Dictionary<string, object> ClaimsOf(FeedUser user)
    {
        string[] minted = [JwtRegisteredClaimNames.Iss, JwtRegisteredClaimNames.Aud, JwtRegisteredClaimNames.Exp, JwtRegisteredClaimNames.Nbf, JwtRegisteredClaimNames.Iat];
        var issued = new JsonWebToken(user.Http.DefaultRequestHeaders.Authorization!.Parameter!);
        var claims = issued.Claims.Where(claim => !minted.Contains(claim.Type)).ToDictionary(claim => claim.Type, object (claim) => claim.Value);
        Assert.Contains(JwtRegisteredClaimNames.Sub, claims.Keys);
        Assert.Contains(FeedAuthOptions.SecurityStampClaim, claims.Keys);
        return claims;
    }

    /// <summary>A token with <paramref name="claims"/>, made as the service makes its own, except for <paramref name="fault"/> (null: none).</summary>
    private string Mint(Dictionary<string, object> claims, string? fault)
    {
        var auth = api.Services.GetRequiredService<IOptions<FeedAuthOptions>>().Value;
        var now = DateTime.UtcNow;
        // Expired an hour ago: far beyond the validation's clock skew.
        var issuedAt = fault == "expired" ? now.AddHours(-2) : now;
        var subject = fault switch
        {
            "subject not a guid" => "admin",
            "unknown user" => Guid.NewGuid().ToString(),
            _ => claims[JwtRegisteredClaimNames.Sub],
        };
        var key = fault == "another key" ? new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) : auth.CreateSigningKey();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = fault == "wrong issuer" ? "not-" + auth.Issuer : auth.Issuer,
            Audience = fault == "wrong audience" ? "not-" + auth.Audience : auth.Audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt.AddHours(1),
            Claims = new Dictionary<string, object>(claims) { [JwtRegisteredClaimNames.Sub] = subject },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });

        // alg=none: the good token's header replaced by an unsigned one, its signature dropped.
        return fault == "alg none"
            ? $"{Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8)}.{token.Split('.')[1]}."
            : token;
    }

    private string SignedToken(Dictionary<string, object> claims)
    {
        var auth = api.Services.GetRequiredService<IOptions<FeedAuthOptions>>().Value;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(auth.CreateSigningKey(), SecurityAlgorithms.HmacSha256),
        });
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method == "POST" && path == "/api/posts")
        {
            request.Content = JsonContent.Create(new { post_url = "https://images.example.com/a.jpg", post_type = "image" });
        }

        return await api.CreateClient().SendAsync(request, Ct);
    }
}
