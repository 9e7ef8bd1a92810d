using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Feed.FaultTests;

/// <summary>
/// PostgreSQL stopped for longer than the in-request retries last: every request that needs it is a
/// 503 problem document with Retry-After (never a 500), including a token checked for the first
/// time; <c>/health</c> is a 503 naming <c>postgres</c>; once PostgreSQL is back the service is too.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class PostgresDownTests(FaultServers servers, ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task While_postgres_is_down_every_request_is_a_503_problem_with_retry_after_and_health_names_postgres()
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        var database = await servers.CreateDatabaseAsync("down");
        await using var api = await ApiProcess.StartAsync(ApiProcess.Settings(servers, database));
        var author = await api.Http.RegisterAsync("author");
        var reader = await api.Http.RegisterAsync("reader");
        await api.Http.FollowAsync(reader, author.UserId);
        Assert.Equal(HttpStatusCode.Created, (await api.Http.PostAsync(author, 1)).Status);
        // Its token never used: the service has not looked its user up yet, so it must ask PostgreSQL.
        var newcomer = await api.Http.RegisterAsync("newcomer");

        await servers.StopPostgresAsync();
        try
        {
            (string Name, Func<HttpRequestMessage> Request)[] requests =
            [
                ("register", () => Json(HttpMethod.Post, "/api/users", null, new { username = "down_user", first_name = "A", last_name = "B", email = "down@example.com", password = FaultClient.Password })),
                ("token", () => Json(HttpMethod.Post, "/api/auth/token", null, new { username = author.Username, password = FaultClient.Password })),
                ("post", () => Json(HttpMethod.Post, "/api/posts", author, new { post_url = "https://images.example.com/down.jpg", post_type = "image" })),
                ("follow", () => Json(HttpMethod.Post, $"/api/users/{author.UserId}/follow", newcomer, null)),
                ("own profile, token not yet checked", () => Json(HttpMethod.Get, "/api/users/me", newcomer, null)),
                ("public profile", () => Json(HttpMethod.Get, $"/api/users/{author.UserId}", null, null)),
                ("user's posts", () => Json(HttpMethod.Get, $"/api/users/{author.UserId}/posts", null, null)),
                ("search", () => Json(HttpMethod.Get, "/api/users?username=auth", null, null)),
            ];
            foreach (var (name, request) in requests)
            {
                using var response = await api.Http.SendAsync(request(), Ct);
                var body = await response.Content.ReadAsStringAsync(Ct);
                output.WriteLine($"{name}: {(int)response.StatusCode} {body}");
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{name}: {(int)response.StatusCode} {body}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal(503, JsonNode.Parse(body)!["status"]!.GetValue<int>());
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
            }

            // A read the cache may still answer: a 200 then, otherwise the same 503.
            using (var timeline = await api.Http.SendAsync(Json(HttpMethod.Get, "/api/timeline", reader, null), Ct))
            {
                Assert.Contains(timeline.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
                if (timeline.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.Equal("application/problem+json", timeline.Content.Headers.ContentType?.MediaType);
                }
            }

            using var health = await api.Http.GetAsync("/health", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var checks = (await health.Content.ReadFromJsonAsync<JsonObject>(Ct))!["checks"]!;
            Assert.Equal("Unhealthy", checks["postgres"]!["status"]!.GetValue<string>());
            Assert.Equal("Healthy", checks["redis"]!["status"]!.GetValue<string>());
        }
        finally
        {
            await servers.StartPostgresAsync();
        }

        await api.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Created, (await api.Http.PostAsync(author, 2)).Status);
        using var me = await api.Http.SendAsync(Json(HttpMethod.Get, "/api/users/me", newcomer, null), Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    private static HttpRequestMessage Json(HttpMethod method, string path, FaultUser? user, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }
}
