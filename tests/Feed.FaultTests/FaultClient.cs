using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Feed.FaultTests;

/// <summary>A registered user of an <see cref="ApiProcess"/>, sending their token with each request.</summary>
public sealed record FaultUser(Guid UserId, string Username, string Token);

/// <summary>The few API calls the fault tests make, over real HTTP to the child process.</summary>
public static class FaultClient
{
    public const string Password = "correct horse battery staple";

    public static async Task<FaultUser> RegisterAsync(this HttpClient http, string prefix)
    {
        var username = $"{prefix}_{Guid.NewGuid():N}"[..24];
        var registered = await http.PostAsJsonAsync("/api/users", new
        {
            username,
            first_name = "Fault",
            last_name = "Test",
            email = $"{username}@example.com",
            password = Password,
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var userId = Guid.Parse((await registered.Content.ReadFromJsonAsync<JsonObject>())!["user_id"]!.GetValue<string>());
        var token = await http.PostAsJsonAsync("/api/auth/token", new { username, password = Password });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        return new FaultUser(userId, username, (await token.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>());
    }

    public static async Task FollowAsync(this HttpClient http, FaultUser follower, Guid followeeId)
    {
        using var request = Authorized(HttpMethod.Post, $"/api/users/{followeeId}/follow", follower);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(request)).StatusCode);
    }

    public static async Task UnfollowAsync(this HttpClient http, FaultUser follower, Guid followeeId)
    {
        using var request = Authorized(HttpMethod.Delete, $"/api/users/{followeeId}/follow", follower);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(request)).StatusCode);
    }

    public static async Task DeletePostAsync(this HttpClient http, FaultUser author, Guid postId)
    {
        using var request = Authorized(HttpMethod.Delete, $"/api/posts/{postId}", author);
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(request)).StatusCode);
    }

    /// <summary>Posts once: the status, and the new post's id on a 201.</summary>
    public static async Task<(HttpStatusCode Status, Guid? PostId, TimeSpan? RetryAfter)> PostAsync(this HttpClient http, FaultUser author, int number)
    {
        using var request = Authorized(HttpMethod.Post, "/api/posts", author);
        request.Content = JsonContent.Create(new { post_url = $"https://images.example.com/{number}.jpg", post_type = "image" });
        using var response = await http.SendAsync(request);
        Guid? postId = response.StatusCode == HttpStatusCode.Created
            ? Guid.Parse((await response.Content.ReadFromJsonAsync<JsonObject>())!["post_id"]!.GetValue<string>())
            : null;
        return (response.StatusCode, postId, response.Headers.RetryAfter?.Delta);
    }

    /// <summary>The whole timeline, page by page: the status of the first failing page, or every post id in order.</summary>
    public static async Task<(HttpStatusCode Status, List<Guid> PostIds)> ReadTimelineAsync(this HttpClient http, FaultUser reader)
    {
        var postIds = new List<Guid>();
        string? cursor = null;
        do
        {
            using var request = Authorized(HttpMethod.Get, cursor is null ? "/api/timeline?limit=100" : $"/api/timeline?limit=100&cursor={Uri.EscapeDataString(cursor)}", reader);
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (response.StatusCode, postIds);
            }

            var page = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            postIds.AddRange(page["items"]!.AsArray().Select(item => Guid.Parse(item!["post_id"]!.GetValue<string>())));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        return (HttpStatusCode.OK, postIds);
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, FaultUser user)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return request;
    }
}
