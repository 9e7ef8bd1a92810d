using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Users;

public sealed class IssueTokenTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private readonly FeedApiFactory _factory = api;
    private readonly HttpClient _client = api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Right_credentials_get_a_bearer_token_that_the_api_accepts()
    {
        var username = FeedClient.UniqueName("tok");
        await _client.RegisterAsync(UsersApi.Registration(username));

        var response = await _client.PostAsJsonAsync("/api/auth/token", new { username = username.ToUpperInvariant(), password = UsersApi.Password }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await response.ReadJsonAsync();
        Assert.Equal(["access_token", "expires_in", "token_type"], token.FieldNames());
        Assert.Equal("Bearer", token["token_type"]!.GetValue<string>());
        Assert.Equal(3600, token["expires_in"]!.GetValue<int>());
        Assert.Equal(3, token["access_token"]!.GetValue<string>().Split('.').Length);

        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token["access_token"]!.GetValue<string>());
        var profile = await (await _client.SendAsync(me, Ct)).ReadJsonAsync();
        Assert.Equal(username, profile["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401()
    {
        var user = await _factory.RegisterAsync();

        var wrongPassword = await _client.PostAsJsonAsync("/api/auth/token", new { username = user.Username, password = "not the password" }, Ct);
        var unknownUser = await _client.PostAsJsonAsync("/api/auth/token", new { username = user.Username + "_nobody", password = UsersApi.Password }, Ct);

        var wrong = await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var unknown = await unknownUser.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(wrong["detail"]!.GetValue<string>(), unknown["detail"]!.GetValue<string>());
        Assert.Equal(wrong["title"]!.GetValue<string>(), unknown["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_new_password_replaces_the_old_one()
    {
        var user = await _factory.RegisterAsync();
        (await user.Http.PatchAsJsonAsync("/api/users/me", new { password = "a brand new password", current_password = UsersApi.Password }, Ct)).EnsureSuccessStatusCode();

        var old = await _client.PostAsJsonAsync("/api/auth/token", new { username = user.Username, password = UsersApi.Password }, Ct);
        var renewed = await _client.PostAsJsonAsync("/api/auth/token", new { username = user.Username, password = "a brand new password" }, Ct);

        await old.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    [Theory]
    [InlineData("{\"password\": \"whatever-password\"}", "username")]
    [InlineData("{\"username\": \"someone\"}", "password")]
    [InlineData("{\"username\": \"someone\", \"password\": 5}", "password")]
    public async Task Missing_or_mistyped_credentials_are_a_400_naming_the_field(string json, string field)
    {
        var response = await _client.SendRawJsonAsync(HttpMethod.Post, "/api/auth/token", json);

        await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_missing_body_is_a_400()
    {
        var response = await _client.PostAsync("/api/auth/token", null, Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_forged_token_is_refused()
    {
        var user = await _factory.RegisterAsync();
        var token = user.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", forged);

        var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
