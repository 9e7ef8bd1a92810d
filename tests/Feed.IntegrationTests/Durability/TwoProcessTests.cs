using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Timeline;

namespace Feed.IntegrationTests.Durability;

/// <summary>
/// Two service processes on one PostgreSQL database and one Redis: what one process caches for a
/// reader (their timeline, their followees) is right on the very next read after the other process
/// changed it.
/// </summary>
public sealed class TwoProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reader_cached_by_one_process_sees_posts_and_unfollows_made_through_the_other_on_the_next_read()
    {
        var settings = await FeedApiFactory.RealStoreSettingsAsync();
        await using var first = FeedApiFactory.WithSettings(settings);
        await using var second = FeedApiFactory.WithSettings(settings);
        var reader = await first.RegisterAsync();
        var author = await second.RegisterAsync();
        await reader.FollowAsync(author);
        var older = await author.CreatePostAsync();
        await second.WhenOutboxIdleAsync();

        var kept = await ReadFirstPageAsync(reader);
        Assert.Equal([PostId(older)], kept);
        Assert.Equal(kept, await ReadFirstPageAsync(reader));

        // A post through the other process: its fan-out runs in whichever process claims it.
        var newer = await author.CreatePostAsync();
        await second.WhenOutboxIdleAsync();
        Assert.Equal([PostId(newer), PostId(older)], await ReadFirstPageAsync(reader));

        // An unfollow through the other process hides the author from this process's next read: the
        // reader's cached followees are dropped before the unfollow returns.
        var readerThere = await second.LoginAsync(reader.UserId, reader.Username);
        var unfollowed = await readerThere.Http.DeleteAsync(new Uri($"/api/users/{author.UserId}/follow", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, unfollowed.StatusCode);
        Assert.Empty(await ReadFirstPageAsync(reader));
    }

    private static async Task<List<string>> ReadFirstPageAsync(FeedUser reader)
    {
        var response = await reader.Http.GetTimelineAsync("?limit=10");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadJsonAsync();
        return page["items"]!.AsArray().Select(item => item!["post_id"]!.GetValue<string>()).ToList();
    }

    private static string PostId(JsonObject post) => post["post_id"]!.GetValue<string>();
}
