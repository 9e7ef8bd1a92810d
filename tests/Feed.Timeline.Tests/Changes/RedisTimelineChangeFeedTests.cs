using System.Diagnostics;
using Feed.Timeline.Changes;
using Feed.Timeline.Redis;
using Feed.Timeline.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline.Tests.Changes;

/// <summary>The change feed on the real test Redis: changes reach the other processes of one deployment, and an outage is never silent.</summary>
public sealed class RedisTimelineChangeFeedTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_change_made_in_one_process_moves_the_stamps_of_another()
    {
        var redis = await RedisTestCache.SharedRedisAsync();
        var prefix = $"test:{Guid.NewGuid():N}:";
        using var here = await StartedAsync(redis, prefix);
        using var there = await StartedAsync(redis, prefix);
        var (reader, author) = (Guid.NewGuid(), Guid.NewGuid());
        var readerStamp = there.Changes.StampReader(reader)!.Value;
        var noAuthors = there.Changes.StampAuthors(readerStamp, []);
        var authorStamp = there.Changes.StampReader(Guid.NewGuid())!.Value;
        var authors = there.Changes.StampAuthors(authorStamp, [author]);

        await here.Changes.ReadersChangedAsync([reader], Ct);
        await here.Changes.AuthorsChangedAsync([author], Ct);

        await EventuallyAsync(() => !there.Changes.Unchanged(readerStamp, noAuthors));
        await EventuallyAsync(() => !there.Changes.Unchanged(authorStamp, authors));
    }

    [Fact]
    public async Task Another_deployment_s_changes_do_not_reach_this_one()
    {
        var redis = await RedisTestCache.SharedRedisAsync();
        using var here = await StartedAsync(redis, $"test:{Guid.NewGuid():N}:");
        using var elsewhere = await StartedAsync(redis, $"test:{Guid.NewGuid():N}:");
        using var probe = await StartedAsync(redis, here.Prefix);
        var reader = Guid.NewGuid();
        var stamp = here.Changes.StampReader(reader)!.Value;
        var none = here.Changes.StampAuthors(stamp, []);

        await elsewhere.Changes.ReadersChangedAsync([reader], Ct);

        // A change published after it on this deployment's channel arriving shows the other one had its chance.
        var marker = Guid.NewGuid();
        var markerStamp = here.Changes.StampReader(marker)!.Value;
        await probe.Changes.ReadersChangedAsync([marker], Ct);
        await EventuallyAsync(() => !here.Changes.Unchanged(markerStamp, none));
        Assert.True(here.Changes.Unchanged(stamp, none));
    }

    [Fact]
    public async Task While_redis_is_unreachable_nothing_is_reused_and_what_was_stamped_before_is_dropped()
    {
        await using var proxy = new RedisOutageProxy();
        var options = TimelineCacheRegistration.ConnectionOptions(proxy.EndPoint);
        options.ReconnectRetryPolicy = new LinearRetry(100);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        using var feed = await StartedAsync(connection, $"test:{Guid.NewGuid():N}:");
        var stamp = feed.Changes.StampReader(Guid.NewGuid())!.Value;
        var none = feed.Changes.StampAuthors(stamp, []);

        proxy.Cut();
        await EventuallyAsync(() => !feed.Feed.DeliversAll);
        Assert.Null(feed.Changes.StampReader(Guid.NewGuid()));
        await feed.Changes.ReadersChangedAsync([Guid.NewGuid()], Ct); // fails quietly: Redis is down

        proxy.Restore();
        await EventuallyAsync(() => feed.Feed.DeliversAll);
        Assert.False(feed.Changes.Unchanged(stamp, none));
        Assert.NotNull(feed.Changes.StampReader(Guid.NewGuid()));
    }

    [Fact]
    public async Task A_process_that_failed_to_publish_makes_the_others_forget_once_it_is_back()
    {
        var shared = await RedisTestCache.SharedRedisAsync();
        var prefix = $"test:{Guid.NewGuid():N}:";
        using var other = await StartedAsync(shared, prefix);
        await using var proxy = new RedisOutageProxy();
        var options = TimelineCacheRegistration.ConnectionOptions(proxy.EndPoint);
        options.ReconnectRetryPolicy = new LinearRetry(100);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        using var cutOff = await StartedAsync(connection, prefix);

        proxy.Cut();
        await EventuallyAsync(() => !cutOff.Feed.DeliversAll);
        var stamp = other.Changes.StampReader(Guid.NewGuid())!.Value;
        var none = other.Changes.StampAuthors(stamp, []);
        await cutOff.Changes.ReadersChangedAsync([Guid.NewGuid()], Ct); // lost: the other process never hears of it
        Assert.True(other.Changes.Unchanged(stamp, none));

        proxy.Restore();
        await EventuallyAsync(() => !other.Changes.Unchanged(stamp, none));
    }

    private static async Task<StartedFeed> StartedAsync(IConnectionMultiplexer redis, string prefix)
    {
        var options = Options.Create(new TimelineOptions { CacheKeyPrefix = prefix });
        var feed = new RedisTimelineChangeFeed(redis, options, NullLogger<RedisTimelineChangeFeed>.Instance);
        var changes = new TimelineChanges(feed, options);
        await changes.StartAsync(Ct);
        await EventuallyAsync(() => feed.DeliversAll);
        return new StartedFeed(prefix, feed, changes);
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, "the condition did not hold in time");
            await Task.Delay(10, Ct);
        }
    }

    private sealed record StartedFeed(string Prefix, RedisTimelineChangeFeed Feed, TimelineChanges Changes) : IDisposable
    {
        public void Dispose() => Feed.Dispose();
    }
}
