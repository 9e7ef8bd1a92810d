using System.Net;
using System.Net.Http.Json;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Operations;

/// <summary>
/// Rate limits with the limits on, as in every deployed environment: over a limit a request is a 429
/// problem with <c>Retry-After</c>; another address or another user is not affected; the switch turns
/// them all off. The client address comes from a test header (the in-process server has no connection).
/// </summary>
public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FeedApiFactory Host(bool enabled = true) => FeedApiFactory.WithSettings(new Dictionary<string, string?>
    {
        ["Feed:RateLimits:Enabled"] = enabled ? "true" : "false",
        ["Feed:RateLimits:TokenPerMinute"] = "1",
        ["Feed:RateLimits:TokenBurst"] = "3",
        ["Feed:RateLimits:RegistrationPerMinute"] = "1",
        ["Feed:RateLimits:RegistrationBurst"] = "4",
        ["Feed:RateLimits:WritesPerMinute"] = "1",
        ["Feed:RateLimits:WritesBurst"] = "2",
    });

    private static HttpClient From(FeedApiFactory factory, string address)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(TestClientAddress.Header, address);
        return client;
    }

    private static Task<HttpResponseMessage> AskTokenAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/auth/token", new { username = "nobody_here", password = "wrong password" }, Ct);

    [Fact]
    public async Task Token_requests_over_the_limit_from_one_address_are_429_problems_with_retry_after_and_other_addresses_go_on()
    {
        await using var api = Host();
        var guesser = From(api, "192.0.2.1");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AskTokenAsync(guesser)).StatusCode);
        }

        var refused = await AskTokenAsync(guesser);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        var problem = await refused.ReadJsonAsync();
        Assert.Equal(429, problem["status"]!.GetValue<int>());
        Assert.Contains("Retry-After", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Another address has a bucket of its own.
        Assert.Equal(HttpStatusCode.Unauthorized, (await AskTokenAsync(From(api, "192.0.2.2"))).StatusCode);
    }

    [Fact]
    public async Task Registrations_over_the_limit_from_one_address_are_429()
    {
        await using var api = Host();
        var client = From(api, "198.51.100.7");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var name = FeedClient.UniqueName("limited");
            var response = await client.PostAsJsonAsync("/api/users", new { username = name, first_name = "F", last_name = "L", email = $"{name}@example.com", password = "correct horse battery staple" }, Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, 4), HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Writes_are_limited_per_user_and_one_user_over_the_limit_does_not_stop_another()
    {
        await using var api = Host();
        // Both users from one address: the write limit is the user's, not the address's.
        var ada = await api.RegisterAsync();
        var bob = await api.RegisterAsync();

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(ada)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ada.Http.PostAsync(new Uri($"/api/users/{bob.UserId}/follow", UriKind.Relative), null, Ct)).StatusCode);
        var refused = await PostAsync(ada);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(bob)).StatusCode);
        // Reads are not limited.
        Assert.Equal(HttpStatusCode.OK, (await ada.Http.GetAsync(new Uri("/api/timeline", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task An_IPv6_client_is_one_address_for_its_whole_64_prefix_while_IPv4_clients_on_a_dual_stack_socket_stay_apart()
    {
        await using var api = Host();

        // One host chooses any address in its /64 (privacy addresses): each new one must not be a fresh bucket.
        foreach (var address in new[] { "2001:db8:7:1::1", "2001:db8:7:1::2", "2001:db8:7:1:a:b:c:d" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AskTokenAsync(From(api, address))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await AskTokenAsync(From(api, "2001:db8:7:1:ffff::9"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AskTokenAsync(From(api, "2001:db8:7:2::1"))).StatusCode);

        // IPv4 clients seen through a dual-stack socket (::ffff:a.b.c.d) are still one bucket per IPv4 address.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AskTokenAsync(From(api, "::ffff:192.0.2.31"))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await AskTokenAsync(From(api, "192.0.2.31"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AskTokenAsync(From(api, "::ffff:192.0.2.32"))).StatusCode);
    }

    [Fact]
    public async Task Profile_changes_are_limited_per_user_so_a_token_cannot_guess_the_current_password_unchecked()
    {
        await using var api = Host();
        var ada = await api.RegisterAsync();
        var bob = await api.RegisterAsync();

        // Each wrong current_password is a password guess (and a slow hash), so it is limited as a token request
        // is (a burst of 3 here), per user, and apart from posts and follows (a burst of 2).
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(ada)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(ada)).StatusCode);
        for (var i = 0; i < 3; i++)
        {
            var guess = await ada.Http.PatchAsJsonAsync("/api/users/me", new { password = "a brand new password", current_password = $"guess {i}" }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, guess.StatusCode);
        }

        var refused = await ada.Http.PatchAsJsonAsync("/api/users/me", new { password = "a brand new password", current_password = "guess 3" }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));

        Assert.Equal(HttpStatusCode.OK, (await bob.Http.PatchAsJsonAsync("/api/users/me", new { location = "Lisbon" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task With_the_switch_off_nothing_is_limited()
    {
        await using var api = Host(enabled: false);
        var client = From(api, "203.0.113.9");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await AskTokenAsync(client)).StatusCode);
        }
    }

    private static Task<HttpResponseMessage> PostAsync(FeedUser user) =>
        user.Http.PostAsJsonAsync("/api/posts", new { post_url = "https://images.example.com/limited.jpg", post_type = "image" }, Ct);
}
