using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Feed.SharedKernel.Outbox;
using Feed.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.IntegrationTests.Infrastructure;

/// <summary>A registered, logged-in user talking to the API, plus the JSON settings of the contract.</summary>
public sealed record FeedUser(Guid UserId, string Username, HttpClient Http)
{
    /// <summary>The host this user talks to (to wait for its background work).</summary>
    public WebApplicationFactory<Program>? Host { get; init; }

    /// <summary>Waits until everything this user's requests announced has been delivered.</summary>
    public Task SettledAsync() => Host is null ? Task.CompletedTask : Host.WhenOutboxIdleAsync();
}

public static class FeedClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static int _sequence;

    public static string UniqueName(string prefix = "user") =>
        $"{prefix}_{Interlocked.Increment(ref _sequence)}_{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Registers a user, takes a token, and returns a client that sends it.</summary>
    public static async Task<FeedUser> RegisterAsync(this FeedApiFactory factory, string? username = null)
    {
        username ??= UniqueName();
        var anonymous = factory.CreateClient();
        var registered = await anonymous.PostAsJsonAsync("/api/users", new
        {
            username,
            first_name = "First",
            last_name = "Last",
            email = $"{username}@example.com",
            password = "correct horse battery staple",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var user = await registered.Content.ReadFromJsonAsync<JsonObject>();
        var userId = Guid.Parse(user!["user_id"]!.GetValue<string>());

        return await factory.LoginAsync(userId, username);
    }

    /// <summary>Takes a token for a registered user (of this host or of an earlier one on the same database).</summary>
    public static async Task<FeedUser> LoginAsync(this FeedApiFactory factory, Guid userId, string username)
    {
        var token = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password = "correct horse battery staple" });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var body = await token.Content.ReadFromJsonAsync<JsonObject>();

        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body!["access_token"]!.GetValue<string>());
        return new FeedUser(userId, username, client) { Host = factory };
    }

    /// <summary>
    /// Waits until the outbox is empty: every announced change (a post's fan-out, a follow's
    /// influencer promotion) has reached its handlers. Delivery is asynchronous by design. The
    /// deadline (<see cref="Patience"/>) only stops a test that would hang; it is generous because CI
    /// runs every suite at once on two cores (delivery itself takes milliseconds; the benchmark measures it).
    /// </summary>
    public static Task WhenOutboxIdleAsync(this WebApplicationFactory<Program> factory) =>
        factory.Services.GetRequiredService<OutboxDispatcher>().WhenIdleAsync(Patience.Timeout, TestContext.Current.CancellationToken);

    public static async Task<JsonObject> ReadJsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;
}
