using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Timeline;

namespace Feed.IntegrationTests.Durability;

/// <summary>
/// Two service processes on one PostgreSQL database and one Redis: a first page kept by one process
/// is not served again after the other process changed what it shows. The page lifetime is set far
/// beyond the test's patience, so only the change feed between the processes can make it pass.
/// </summary>
public sealed class TwoProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_page_kept_by_one_process_shows_posts_and_unfollows_made_through_the_other()
    {
        var settings = await FeedApiFactory.RealStoreSettingsAsync();
        settings["Feed:Timeline:PageLifetime"] = "00:30:00";
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
        await EventuallyAsync(reader, page => page.SequenceEqual([PostId(newer), PostId(older)]));

        // An unfollow through the other process hides the author from this process's next reads.
        var readerThere = await second.LoginAsync(reader.UserId, reader.Username);
        var unfollowed = await readerThere.Http.DeleteAsync(new Uri($"/api/users/{author.UserId}/follow", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, unfollowed.StatusCode);
        await EventuallyAsync(reader, page => page.Count == 0);
    }

    private static async Task<List<string>> ReadFirstPageAsync(FeedUser reader)
    {
        var response = await reader.Http.GetTimelineAsync("?limit=10");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadJsonAsync();
        return page["items"]!.AsArray().Select(item => item!["post_id"]!.GetValue<string>()).ToList();
    }

    private static async Task EventuallyAsync(FeedUser reader, Func<List<string>, bool> shows)
    {
        var clock = Stopwatch.StartNew();
        while (!shows(await ReadFirstPageAsync(reader)))
        {
            Assert.True(clock.Elapsed < Patience, "the other process's change did not reach the kept page");
            await Task.Delay(20, Ct);
        }
    }

    private static string PostId(JsonObject post) => post["post_id"]!.GetValue<string>();
}
