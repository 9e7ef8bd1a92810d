using Feed.SharedKernel.Paging;
using Feed.Testing;
using Feed.Timeline.Tests.Support;
using StackExchange.Redis.Profiling;

namespace Feed.Timeline.Tests;

/// <summary>
/// The reader's state in the Redis cache (whom they follow, whom a read pulls, until when their activity
/// needs no store check): a warm read asks neither the store nor the other modules, and every change of
/// what the state holds reaches the next read.
/// </summary>
public sealed class ReaderStateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_warm_read_of_any_page_inside_the_cached_window_asks_neither_the_store_nor_the_other_modules()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        await world.FollowAsync(world.Reader, author);
        await world.FollowAsync(world.Reader, influencer);
        var posts = new List<Social.Contracts.PostSummary>();
        for (var i = 0; i < 10; i++)
        {
            posts.Add(await world.PostAsync(i % 3 == 0 ? influencer : author, 10 + i));
        }

        var expected = LifecycleSteps.NewestFirst(posts);
        Assert.Equal(expected, await world.TimelineOfAsync(world.Reader)); // fills the cache
        world.Store.Reset();
        var followeeQueries = world.Modules.FolloweeQueries;
        var userQueries = world.Modules.UserSummaryQueries;

        var warm = await world.TimelineOfAsync(world.Reader);

        Assert.Equal(expected, warm);
        Assert.Empty(world.Store.RowReads);
        Assert.Empty(world.Store.InfluencerReads);
        Assert.Equal(0, world.Store.PostLookups);
        Assert.Equal(0, world.Store.ReaderLookups);
        Assert.Equal(0, world.Store.PulledAuthorLookups);
        Assert.Equal(followeeQueries, world.Modules.FolloweeQueries);
        Assert.Equal(userQueries, world.Modules.UserSummaryQueries);
        var item = (await world.ReadAsync(1, null)).Items[0];
        Assert.Equal(("influencer", posts[9].PostId), (item.Username, item.PostId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_warm_read_is_one_batch_to_Redis_with_one_version_read(bool afterACursor)
    {
        // A connection of this test's own, so that its profiler sees only this test's commands.
        await using var connection = await TestServers.ConnectRedisAsync();
        var session = new ProfilingSession();
        connection.RegisterProfiler(() => session);
        using var redis = RedisTestCache.On(connection);
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        var influencers = new[] { world.Modules.AddUser("influencer-1", isInfluencer: true), world.Modules.AddUser("influencer-2", isInfluencer: true) };
        await world.FollowAsync(world.Reader, author);
        foreach (var influencer in influencers)
        {
            await world.FollowAsync(world.Reader, influencer);
        }

        for (var i = 0; i < 12; i++)
        {
            await world.PostAsync(i % 3 == 0 ? author : influencers[i % 2], 10 + i);
        }

        var cursor = afterACursor ? (await world.ReadAsync(4, null)).NextCursor : null;
        var expected = await world.ReadAsync(4, cursor); // fills the cache and the copies this process keeps
        await world.ReadAsync(4, cursor);
        session.FinishProfiling(); // the set-up's commands
        world.Store.Reset();

        var warm = await world.ReadAsync(4, cursor);
        var commands = session.FinishProfiling().Select(command => command.Command).ToList();

        Assert.Equal(expected.Items.Select(item => item.PostId), warm.Items.Select(item => item.PostId));
        Assert.Empty(world.Store.RowReads);
        // The version is read once: the state, the rows and the influencers' lists went in one batch.
        Assert.Equal(1, commands.Count(command => command == "GET"));
        Assert.DoesNotContain(commands, command => command.StartsWith("EVAL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_follow_and_an_unfollow_show_on_the_next_read_though_the_state_was_cached()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        await world.FollowAsync(world.Reader, author);
        var pushed = await world.PostAsync(author, 1);
        var pulled = await world.PostAsync(influencer, 2);
        Assert.Equal([pushed.PostId], await world.TimelineOfAsync(world.Reader));

        // Only Social's in-process announcement has run, not the outbox's handlers.
        world.Modules.Follow(world.Reader, influencer);
        Assert.Equal([pulled.PostId, pushed.PostId], await world.TimelineOfAsync(world.Reader));

        world.Modules.Unfollow(world.Reader, author);
        Assert.Equal([pulled.PostId], await world.TimelineOfAsync(world.Reader));
    }

    [Fact]
    public async Task An_author_s_first_pulled_post_reaches_followers_whose_state_was_cached_without_them()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var pushed = await world.PostAsync(author, 1);
        Assert.Equal([pushed.PostId], await world.TimelineOfAsync(world.Reader)); // the state: nobody pulled
        Assert.False(await redis.Cache.IsPulledAuthorAsync(author, Ct));

        // Promoted without the promotion handler (its delivery may come late: reads must not depend on it).
        world.Modules.SetInfluencer(author, true);
        var pulled = await world.PostAsync(author, 2);

        Assert.Equal([pulled.PostId, pushed.PostId], await world.TimelineOfAsync(world.Reader));
        Assert.True(await redis.Cache.IsPulledAuthorAsync(author, Ct));
    }

    [Fact]
    public async Task An_author_whose_pulled_posts_were_all_deleted_is_still_pulled_with_their_next_post()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        await world.FollowAsync(world.Reader, influencer);
        var first = await world.PostAsync(influencer, 1);
        Assert.Equal([first.PostId], await world.TimelineOfAsync(world.Reader));

        await world.DeletePostAsync(first);
        Assert.True(await redis.Cache.IsPulledAuthorAsync(influencer, Ct)); // a mark is never taken back
        // A state filled now still pulls the author (an empty list), so their next post walks nobody.
        world.Clock.Advance(world.Lifecycle.ActivityMargin);
        Assert.Empty(await world.TimelineOfAsync(world.Reader));

        var next = await world.PostAsync(influencer, 2);
        Assert.Equal([next.PostId], await world.TimelineOfAsync(world.Reader));
    }

    [Fact]
    public async Task Deleting_an_ordinary_author_s_post_asks_the_store_nothing_about_pulled_posts()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var kept = await world.PostAsync(author, 1);
        var deleted = await world.PostAsync(author, 2);
        Assert.Equal([deleted.PostId, kept.PostId], await world.TimelineOfAsync(world.Reader));
        world.Store.Reset();

        await world.DeletePostAsync(deleted);

        Assert.Equal(0, world.Store.PulledAuthorLookups);
        Assert.False(await redis.Cache.IsPulledAuthorAsync(author, Ct));
        Assert.Equal([kept.PostId], await world.TimelineOfAsync(world.Reader));
    }

    [Fact]
    public async Task The_reader_s_activity_is_checked_in_the_store_again_when_the_state_s_trust_ends()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        await world.ReadAsync(10, null);
        world.Store.Reset();

        world.Clock.Advance(world.Lifecycle.ActivityMargin - TimeSpan.FromSeconds(1));
        await world.ReadAsync(10, null);
        Assert.Equal(0, world.Store.ReaderLookups);

        world.Clock.Advance(TimeSpan.FromSeconds(2));
        await world.ReadAsync(10, null);
        Assert.Equal(1, world.Store.ReaderLookups);
        Assert.Equal(world.Clock.GetUtcNow(), (await world.Store.GetReaderAsync(world.Reader, Ct))!.LastReadOn);
    }

    [Fact]
    public async Task A_state_read_from_the_store_before_a_drop_is_not_kept()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var reader = Guid.NewGuid();
        var now = TimelineWorld.Epoch;
        var stale = new ReaderState([Guid.NewGuid()], [], now.AddMinutes(10));

        var miss = await redis.Cache.ReadReaderAsync(reader, now, null, Ct);
        await redis.Cache.DropReadersAsync([reader], Ct); // a follow committed after the store was read
        await redis.Cache.FillReaderAsync(miss.Fill!, reader, stale, now, Ct);

        Assert.Null(miss.State);
        Assert.Null((await redis.Cache.ReadReaderAsync(reader, now, null, Ct)).State);
    }

    [Fact]
    public async Task A_state_is_trusted_until_its_time_and_under_its_cache_version_only()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var reader = Guid.NewGuid();
        var now = TimelineWorld.Epoch;
        var followees = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        var state = new ReaderState(followees, [followees[1]], now.AddMinutes(10));
        var miss = await redis.Cache.ReadReaderAsync(reader, now, null, Ct);
        await redis.Cache.FillReaderAsync(miss.Fill!, reader, state, now, Ct);

        var hit = (await redis.Cache.ReadReaderAsync(reader, now.AddMinutes(9), null, Ct)).State;
        Assert.NotNull(hit);
        Assert.Equal(followees, hit.Followees);
        Assert.Equal([followees[1]], hit.Pulled);
        Assert.Equal(state.TrustedUntil, hit.TrustedUntil);
        Assert.Null((await redis.Cache.ReadReaderAsync(reader, now.AddMinutes(10), null, Ct)).State);

        // Refilled, then another process renews the version (after a failed write of its own).
        var again = await redis.Cache.ReadReaderAsync(reader, now, null, Ct);
        await redis.Cache.FillReaderAsync(again.Fill!, reader, state, now, Ct);
        Assert.NotNull((await redis.Cache.ReadReaderAsync(reader, now, null, Ct)).State);
        await redis.Db.StringSetAsync(redis.VersionKey, "renewed-by-another-process");
        Assert.Null((await redis.Cache.ReadReaderAsync(reader, now, null, Ct)).State);
    }

    private static async Task<ReaderState> FillStateAsync(RedisTestCache redis, Guid reader, ReaderState state, DateTimeOffset now)
    {
        var miss = await redis.Cache.ReadReaderAsync(reader, now, null, Ct);
        await redis.Cache.FillReaderAsync(miss.Fill!, reader, state, now, Ct);
        return state;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_reader_s_rows_read_ahead_reach_Redis_after_the_state_on_its_node(bool afterACursor)
    {
        // Rows read ahead are used only with a hit read before them (a state is filled only after any
        // rebuild it reflects dropped the rows), so on one server and on a cluster alike they must run
        // after the state's read: a page after a cursor too, whose rows are a transaction of their own.
        using var redis = await RedisTestCache.CreateAsync();
        var reader = Guid.NewGuid();
        var now = TimelineWorld.Epoch;
        await FillStateAsync(redis, reader, new ReaderState([Guid.NewGuid()], [], now.AddMinutes(10)), now);
        var stateRead = $"\"HMGET\" \"{redis.ReaderKey(reader)}\"";
        var rowsKey = $"\"{redis.TimelineKey(reader)}\"";
        await using var monitor = await RedisMonitor.StartAsync(redis.Redis, redis.ReaderKey(reader), Ct);
        SequenceKey? after = afterACursor ? new SequenceKey(now, Guid.NewGuid()) : null;

        var cached = await redis.Cache.ReadReaderAsync(reader, now, new ReadAhead(after, 10, [], 5), Ct);
        Assert.NotNull(cached.State);
        await cached.Ahead!.Rows;

        var run = await monitor.UntilAsync(line => line.Contains(rowsKey, StringComparison.Ordinal), Ct);
        Assert.Contains(run, line => line.Contains(stateRead, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_kept_state_is_checked_by_its_stamp_not_read_whole()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var keepsNothing = redis.Sibling(keptReaderStates: 0);
        var reader = Guid.NewGuid();
        var now = TimelineWorld.Epoch;
        await keepsNothing.Cache.ReadReaderAsync(Guid.NewGuid(), now, null, Ct); // a new process renews the version first
        Guid[] followees = [Guid.NewGuid()];
        await FillStateAsync(redis, reader, new ReaderState(followees, [], now.AddMinutes(10)), now);

        // Written behind the cache's back (marker and stamp unchanged): only a process reading the hash whole sees it.
        Guid[] planted = [Guid.NewGuid()];
        await redis.Db.HashSetAsync(redis.ReaderKey(reader), "f", planted[0].ToByteArray());

        Assert.Equal(followees, (await redis.Cache.ReadReaderAsync(reader, now, null, Ct)).State!.Followees);
        Assert.Equal(planted, (await keepsNothing.Cache.ReadReaderAsync(reader, now, null, Ct)).State!.Followees);
        Assert.Equal(followees, redis.Cache.LastKnownReader(reader)!.Followees);
    }

    [Fact]
    public async Task A_kept_state_dropped_or_refilled_by_another_process_is_not_served()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var other = redis.Sibling();
        var reader = Guid.NewGuid();
        var now = TimelineWorld.Epoch;
        await other.Cache.ReadReaderAsync(Guid.NewGuid(), now, null, Ct); // a new process renews the version first
        await FillStateAsync(redis, reader, new ReaderState([Guid.NewGuid()], [], now.AddMinutes(10)), now);
        Assert.False((await redis.Cache.ReadReaderAsync(reader, now, null, Ct)).Late);

        // Dropped and refilled by the other process (a follow it served, then a read): its state, read
        // too late to vouch for the reads sent behind the lookup.
        await other.Cache.DropReadersAsync([reader], Ct);
        var refilled = new ReaderState([Guid.NewGuid(), Guid.NewGuid()], [], now.AddMinutes(10));
        await other.Cache.FillReaderAsync((await other.Cache.ReadReaderAsync(reader, now, null, Ct)).Fill!, reader, refilled, now, Ct);
        var afterRefill = await redis.Cache.ReadReaderAsync(reader, now, null, Ct);
        Assert.Equal(refilled.Followees, afterRefill.State!.Followees);
        Assert.True(afterRefill.Late);

        // Dropped again: a miss, though this process kept the state.
        await other.Cache.DropReadersAsync([reader], Ct);
        Assert.Null((await redis.Cache.ReadReaderAsync(reader, now, null, Ct)).State);
        await redis.Cache.FillReaderAsync((await redis.Cache.ReadReaderAsync(reader, now, null, Ct)).Fill!, reader, refilled, now, Ct);

        // Kept from its own fill: the next read is a plain hit.
        var next = await redis.Cache.ReadReaderAsync(reader, now, null, Ct);
        Assert.Equal(refilled.Followees, next.State!.Followees);
        Assert.False(next.Late);
    }
}
