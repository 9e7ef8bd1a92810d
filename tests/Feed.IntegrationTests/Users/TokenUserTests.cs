using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Feed.IntegrationTests.Infrastructure;
using Feed.SharedKernel.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Feed.IntegrationTests.Users;

/// <summary>
/// A token is good only for a user that exists now, with the password of the token's time: validly
/// signed tokens (made here with the service's own key, as a leaked key or a deleted user would give)
/// for anybody else are a 401 on every authenticated endpoint, and never a write.
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
