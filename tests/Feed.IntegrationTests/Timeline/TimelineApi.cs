using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;

namespace Feed.IntegrationTests.Timeline;

/// <summary>Requests and assertions the Timeline API tests share.</summary>
internal static class TimelineApi
{
    public static readonly string[] ItemFields = ["created_on", "post_id", "post_type", "post_url", "user_id", "username"];

    public static readonly string[] PageFields = ["items", "next_cursor"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> GetTimelineAsync(this HttpClient client, string query = "") =>
        client.GetAsync(new Uri($"/api/timeline{query}", UriKind.Relative), Ct);

    /// <summary>One page, asserting the 200 and the page and item shapes.</summary>
    public static async Task<(List<JsonObject> Items, string? NextCursor)> ReadTimelinePageAsync(this FeedUser user, int? limit = null, string? cursor = null)
    {
        var query = new List<string>();
        if (limit is not null)
        {
            query.Add($"limit={limit}");
        }

        if (cursor is not null)
        {
            query.Add($"cursor={Uri.EscapeDataString(cursor)}");
        }

        await user.SettledAsync(); // fan-out is delivered in the background
        var response = await user.Http.GetTimelineAsync(query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadJsonAsync();
        Assert.Equal(PageFields, page.FieldNames());
        var items = page["items"]!.AsArray().Select(item => item!.AsObject()).ToList();
        Assert.All(items, item => Assert.Equal(ItemFields, item.FieldNames()));
        return (items, page["next_cursor"]?.GetValue<string>());
    }

    /// <summary>
    /// Follows next_cursor to the end, asserting the paging guarantee: every page but the last is
    /// full, next_cursor is null exactly on the last page, and a cursor never leads to an empty page.
    /// </summary>
    public static async Task<List<JsonObject>> ReadWholeTimelineAsync(this FeedUser user, int limit)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        for (var pages = 1; ; pages++)
        {
            Assert.True(pages <= 1000, "paging never ended");
            var (page, next) = await user.ReadTimelinePageAsync(limit, cursor);
            if (cursor is not null)
            {
                Assert.NotEmpty(page);
            }

            items.AddRange(page);
            if (next is null)
            {
                Assert.InRange(page.Count, 0, limit);
                return items;
            }

            Assert.Equal(limit, page.Count);
            cursor = next;
        }
    }

    public static async Task UnfollowAsync(this FeedUser follower, FeedUser followee)
    {
        var response = await follower.Http.DeleteAsync(new Uri($"/api/users/{followee.UserId}/follow", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public static async Task<bool> IsInfluencerAsync(this FeedApiFactory factory, FeedUser user)
    {
        await factory.WhenOutboxIdleAsync(); // promotion follows the follow in the background
        var profile = await (await factory.CreateClient().GetAsync(new Uri($"/api/users/{user.UserId}", UriKind.Relative), Ct)).ReadJsonAsync();
        return profile["is_influencer"]!.GetValue<bool>();
    }
}
