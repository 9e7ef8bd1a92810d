using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Feed.IntegrationTests.Infrastructure;
using Feed.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Feed.IntegrationTests.Operations;

/// <summary>
/// One structured line per request (method, route template, status, duration), and no password,
/// token or email in any line the service logs, at any level it is configured to log, for a session
/// that registers, logs in (once with a wrong password), posts, reads and fails validation.
/// </summary>
public sealed class RequestLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_request_is_one_line_with_its_route_and_status_and_no_line_holds_a_secret()
    {
        var lines = new ConcurrentQueue<string>();
        await using var api = FeedApiFactory.WithSettings(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Information",
        });
        using var host = api.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(lines))));
        var client = host.CreateClient();
        var username = FeedClient.UniqueName("logged");
        const string password = "secret-words-never-logged";
        var email = $"{username}@mail.example.net";

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/users", new { username, first_name = "F", last_name = "L", email, password }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/token", new { username, password = password + "-wrong" }, Ct)).StatusCode);
        var token = (await (await client.PostAsJsonAsync("/api/auth/token", new { username, password }, Ct)).ReadJsonAsync())["access_token"]!.GetValue<string>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/posts", new { post_url = "https://images.example.com/l.jpg", post_type = "image" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PatchAsJsonAsync("/api/users/me", new { email = "not an email", password = password + "-new" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/timeline", UriKind.Relative), Ct)).StatusCode);
        await host.WhenOutboxIdleAsync();

        var all = lines.ToList();
        var requests = all.Where(line => line.StartsWith("Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware", StringComparison.Ordinal)).ToList();
        Assert.Contains(requests, line => line.Contains("Route: /api/posts", StringComparison.Ordinal) && line.Contains("StatusCode: 201", StringComparison.Ordinal) && line.Contains("Duration: ", StringComparison.Ordinal));
        Assert.Contains(requests, line => line.Contains("Route: /api/auth/token", StringComparison.Ordinal) && line.Contains("StatusCode: 401", StringComparison.Ordinal));
        Assert.Equal(6, requests.Count);
        foreach (var secret in new[] { password, token, token.Split('.')[2], email, "mail.example.net" })
        {
            Assert.DoesNotContain(all, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task A_stream_opened_with_a_token_in_its_query_is_logged_by_route_without_the_token()
    {
        var lines = new ConcurrentQueue<string>();
        await using var api = FeedApiFactory.WithSettings(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Information",
        });
        using var host = api.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(lines))));
        var client = host.CreateClient();
        var bearer = await RegisterAndSignInAsync(client, "streamed");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var streamToken = (await (await client.PostAsync(new Uri("/api/timeline/stream-token", UriKind.Relative), null, Ct)).ReadJsonAsync())["access_token"]!.GetValue<string>();

        await using (await Live.TimelineEventReader.OpenAsync(host.CreateClient(), "?access_token=" + streamToken))
        {
        }

        await Patience.UntilAsync(
            () => Task.FromResult(lines.Any(line => line.Contains("Route: /api/timeline/stream ", StringComparison.Ordinal) || line.EndsWith("Route: /api/timeline/stream", StringComparison.Ordinal) || line.Contains("Route=/api/timeline/stream ", StringComparison.Ordinal))),
            "the stream's request line",
            Ct);
        foreach (var secret in new[] { streamToken, streamToken.Split('.')[2], bearer.Split('.')[2], "access_token=" })
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task A_stream_opened_with_a_bearer_header_is_not_also_checked_as_a_stream_token()
    {
        // The stream-token scheme reads only the query: were it to fall back to the header, as a JWT scheme does
        // by default, every stream opened with a bearer token would be validated twice and logged as a failure
        // (with the exception); a scheme that finds no token of its kind only notes that at Debug.
        var lines = new ConcurrentQueue<string>();
        await using var api = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.Authentication"] = "Debug" });
        using var host = api.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(lines))));
        var client = host.CreateClient();
        var bearer = await RegisterAndSignInAsync(client, "bearer");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);

        await using (await Live.TimelineEventReader.OpenAsync(client, string.Empty))
        {
        }

        var authentication = lines.Where(line => line.StartsWith("Microsoft.AspNetCore.Authentication", StringComparison.Ordinal)).ToList();
        Assert.Contains(authentication, line => line.Contains("Bearer was successfully authenticated", StringComparison.Ordinal));
        Assert.DoesNotContain(authentication, line => line.Contains("Failed to validate", StringComparison.Ordinal) || line.Contains("Failure message", StringComparison.Ordinal));
    }

    /// <summary>Registers a user of its own through <paramref name="client"/> and returns their bearer token.</summary>
    private static async Task<string> RegisterAndSignInAsync(HttpClient client, string namePrefix)
    {
        var username = FeedClient.UniqueName(namePrefix);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/users", new { username, first_name = "F", last_name = "L", email = $"{username}@example.com", password = "secret-words-never-logged" }, Ct)).StatusCode);
        return (await (await client.PostAsJsonAsync("/api/auth/token", new { username, password = "secret-words-never-logged" }, Ct)).ReadJsonAsync())["access_token"]!.GetValue<string>();
    }

    /// <summary>Keeps every entry as one line: category, message, and each structured value.</summary>
    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(pair => $"{pair.Key}={pair.Value}")) : string.Empty;
                lines.Enqueue($"{category} {formatter(state, exception)} {values} {exception}".ReplaceLineEndings(" "));
            }
        }
    }
}
