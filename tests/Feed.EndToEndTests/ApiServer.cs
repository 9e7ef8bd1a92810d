using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feed.SharedKernel.Outbox;
using Feed.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.EndToEndTests;

/// <summary>A user made through the API (the browser signs in as them), with a client that sends their token.</summary>
public sealed record ApiUser(Guid UserId, string Username, string Password, HttpClient Http);

/// <summary>
/// The real API on a real Kestrel port of the loopback interface (a browser cannot reach an in-memory
/// test server), on the in-memory stores, rate limits off, the influencer threshold lowered to 3.
/// Test data is made through the HTTP API; what a person does goes through the page.
/// </summary>
public sealed class ApiServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    private static int _sequence;

    public string BaseUrl { get; private set; } = string.Empty;

    public ValueTask InitializeAsync()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Feed:Users:InfluencerFollowerThreshold", "3");
        builder.UseSetting("Feed:RateLimits:Enabled", "false");
        builder.UseSetting("Feed:Live:HeartbeatInterval", "00:00:05");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware", "Warning");
    }

    public HttpClient Client() => new() { BaseAddress = new Uri(BaseUrl) };

    public static string UniqueName(string prefix) =>
        $"{prefix}{Interlocked.Increment(ref _sequence)}{Guid.NewGuid().ToString("N")[..5]}";

    public async Task<ApiUser> RegisterAsync(string prefix)
    {
        var username = UniqueName(prefix);
        const string password = "correct horse battery staple";
        using var anonymous = Client();
        var registered = await anonymous.PostAsJsonAsync("/api/users", new { username, first_name = char.ToUpperInvariant(prefix[0]) + prefix[1..], last_name = "Example", email = $"{username}@example.com", password });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var userId = Guid.Parse((await registered.Content.ReadFromJsonAsync<JsonObject>())!["user_id"]!.GetValue<string>());
        var token = await anonymous.PostAsJsonAsync("/api/auth/token", new { username, password });
        var http = Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>());
        return new ApiUser(userId, username, password, http);
    }

    public async Task<string> PostAsync(ApiUser author, int picture)
    {
        var response = await author.Http.PostAsJsonAsync("/api/posts", new { post_url = $"{BaseUrl}/demo/images/{picture}.svg", post_type = "image" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["post_id"]!.GetValue<string>();
    }

    public static async Task FollowAsync(ApiUser follower, ApiUser followee)
    {
        var response = await follower.Http.PostAsync(new Uri($"/api/users/{followee.UserId}/follow", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Every announced change delivered (fan-out, backfill, promotion): the setup is in place before the page looks.</summary>
    public Task SettledAsync() =>
        Services.GetRequiredService<OutboxDispatcher>().WhenIdleAsync(Patience.Timeout, TestContext.Current.CancellationToken);
}
