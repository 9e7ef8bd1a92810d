using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Timeline;
using Feed.Testing;

namespace Feed.IntegrationTests.Durability;

/// <summary>
/// Redis is a cache, never the only copy: capped far below the timeline's length, flushed, or
/// unreachable, it never changes what a reader pages through on PostgreSQL.
/// </summary>
public sealed class CacheTests
{
    [Fact]
    public async Task A_capped_flushed_or_unreachable_cache_never_changes_a_timeline()
    {
        var settings = await FeedApiFactory.RealStoreSettingsAsync(cacheSize: 10);
        await using var host = FeedApiFactory.WithSettings(settings);
        var reader = await host.RegisterAsync();
        var author = await host.RegisterAsync();
        var influencer = await host.RegisterAsync();
        await reader.FollowAsync(author);
        await reader.FollowAsync(influencer);
        await (await host.RegisterAsync()).FollowAsync(influencer);
        await (await host.RegisterAsync()).FollowAsync(influencer);
        Assert.True(await host.IsInfluencerAsync(influencer));
        var created = new List<System.Text.Json.Nodes.JsonObject>();
        for (var i = 0; i < 35; i++)
        {
            created.Add(await author.CreatePostAsync());
            if (i % 7 == 0)
            {
                created.Add(await influencer.CreatePostAsync("carousel"));
            }
        }

        var posted = NewestFirst(created);
        foreach (var limit in new[] { 1, 3, 7, 10, 11, 100 })
        {
            Assert.Equal(posted, PostIds(await reader.ReadWholeTimelineAsync(limit)));
        }

        await FlushAsync(settings["Feed:Timeline:CacheKeyPrefix"]!);
        Assert.Equal(posted, PostIds(await reader.ReadWholeTimelineAsync(limit: 4)));
        Assert.Equal(posted, PostIds(await reader.ReadWholeTimelineAsync(limit: 9)));

        // Another instance on the same database whose Redis is down: reads and writes go on.
        var offlineSettings = new Dictionary<string, string?>(settings) { ["ConnectionStrings:Redis"] = "127.0.0.1:1" };
        await using var offline = FeedApiFactory.WithSettings(offlineSettings);
        var offlineReader = await offline.LoginAsync(reader.UserId, reader.Username);
        var offlineAuthor = await offline.LoginAsync(author.UserId, author.Username);
        created.Add(await offlineAuthor.CreatePostAsync("video"));
        posted = NewestFirst(created);
        Assert.Equal(posted, PostIds(await offlineReader.ReadWholeTimelineAsync(limit: 6)));

        // Redis back for that instance (a restart): it distrusts what was cached before and renews the
        // shared cache version, so every instance refills from PostgreSQL and sees the post it missed.
        await using var restarted = FeedApiFactory.WithSettings(settings);
        var restartedReader = await restarted.LoginAsync(reader.UserId, reader.Username);
        Assert.Equal(posted, PostIds(await restartedReader.ReadWholeTimelineAsync(limit: 5)));
        Assert.Equal(posted, PostIds(await reader.ReadWholeTimelineAsync(limit: 8)));
    }

    private static async Task FlushAsync(string prefix)
    {
        await using var redis = await TestServers.ConnectRedisAsync();
        Assert.True(await TestServers.DeleteRedisKeysAsync(redis, prefix) > 0); // the cache was in use before the flush
    }

    /// <summary>The model: created_on descending, then post_id descending (two posts may share a millisecond).</summary>
    private static List<string> NewestFirst(IEnumerable<System.Text.Json.Nodes.JsonObject> posts) =>
        posts.Select(post => (At: DateTimeOffset.Parse(post["created_on"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), Id: Guid.Parse(post["post_id"]!.GetValue<string>())))
            .OrderByDescending(post => post.At).ThenByDescending(post => post.Id)
            .Select(post => post.Id.ToString())
            .ToList();

    private static List<string> PostIds(List<System.Text.Json.Nodes.JsonObject> items) =>
        items.Select(item => item["post_id"]!.GetValue<string>()).ToList();
}
