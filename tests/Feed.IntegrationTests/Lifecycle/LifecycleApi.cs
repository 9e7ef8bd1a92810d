using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Feed.IntegrationTests.Lifecycle;

/// <summary>Requests of the lifecycle tests, against any host (also one with a replaced clock).</summary>
internal static class LifecycleApi
{
    private const string Password = "correct horse battery staple";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Registers a user on <paramref name="host"/> and returns a client sending their token.</summary>
    public static async Task<FeedUser> RegisterOnAsync(WebApplicationFactory<Program> host)
    {
        var username = FeedClient.UniqueName("life");
        var registered = await host.CreateClient().PostAsJsonAsync(
            "/api/users",
            new { username, first_name = "First", last_name = "Last", email = $"{username}@example.com", password = Password },
            Ct);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var userId = (await registered.ReadJsonAsync()).Id("user_id");

        var token = await host.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password = Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.ReadJsonAsync())["access_token"]!.GetValue<string>());
        return new FeedUser(userId, username, client) { Host = host };
    }

    public static Task<HttpResponseMessage> DeletePostAsync(this FeedUser user, Guid postId) =>
        user.Http.DeleteAsync(new Uri($"/api/posts/{postId}", UriKind.Relative), Ct);

    public static Task<HttpResponseMessage> UnfollowResponseAsync(this FeedUser follower, Guid followeeId) =>
        follower.Http.DeleteAsync(new Uri($"/api/users/{followeeId}/follow", UriKind.Relative), Ct);

    /// <summary>One timeline page, read at once (without waiting for background work); asserts the 200.</summary>
    public static async Task<(List<JsonObject> Items, string? NextCursor)> TimelinePageNowAsync(this FeedUser user, int limit, string? cursor = null)
    {
        var query = $"?limit={limit}" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}");
        var response = await user.Http.GetAsync(new Uri($"/api/timeline{query}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadJsonAsync();
        return (page["items"]!.AsArray().Select(item => item!.AsObject()).ToList(), page["next_cursor"]?.GetValue<string>());
    }

    /// <summary>
    /// The whole timeline, page by page (after background work settled), asserting the paging
    /// guarantee: full pages but the last, and strictly newest first without repeats.
    /// </summary>
    public static async Task<List<Guid>> WholeTimelineAsync(this FeedUser user, int limit)
    {
        await user.SettledAsync();
        var items = new List<JsonObject>();
        string? cursor = null;
        for (var pages = 1; ; pages++)
        {
            Assert.True(pages <= 1000, "paging never ended");
            var (page, next) = await user.TimelinePageNowAsync(limit, cursor);
            items.AddRange(page);
            if (next is null)
            {
                Assert.InRange(page.Count, cursor is null ? 0 : 1, limit);
                break;
            }

            Assert.Equal(limit, page.Count);
            cursor = next;
        }

        var outOfOrder = PageOrder.FirstOutOfOrder(items, item => item.UtcTimestamp("created_on"), item => item.Id("post_id"));
        Assert.True(outOfOrder < 0, $"Timeline item {outOfOrder} is out of order or repeated.");

        return items.Select(item => item.Id("post_id")).ToList();
    }
}
