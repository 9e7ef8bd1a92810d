using System.Net;
using System.Net.Sockets;
using Feed.Social.Contracts;
using Feed.Timeline.FanOut;
using Feed.Timeline.Notifications.OnPostCreated;
using Feed.Timeline.Redis;
using Feed.Timeline.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline.Tests;

/// <summary>
/// Whole timelines paged through the GetTimeline handler with the Redis cache in front of the
/// in-memory store: the pages are the same as without a cache whether the cache is warm, capped,
/// flushed mid-way, unreachable, or back after an outage.
/// </summary>
public sealed class CachedTimelineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostCreatedHandler CreatedHandler(TimelineWorld world) => world.CreatedHandler(batchSize: 2);

    private static PostSummary Summary(Guid authorId, long millis) =>
        new(Guid.NewGuid(), authorId, $"https://cdn.example/{Guid.NewGuid():N}.jpg", "image", TimelineWorld.At(millis));

    /// <summary>35 posts: pushed by two ordinary authors, pulled from an influencer, many sharing a millisecond.</summary>
    private static async Task<List<Guid>> ThirtyFivePostsAsync(TimelineWorld world)
    {
        var ordinary = new[] { world.Modules.AddUser("ordinary_1"), world.Modules.AddUser("ordinary_2") };
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        foreach (var followee in ordinary.Append(influencer))
        {
            world.Modules.Follow(world.Reader, followee);
        }

        var posts = new List<TimelinePost>();
        for (var i = 0; i < 35; i++)
        {
            posts.Add(i % 5 == 4
                ? await world.PublishAsInfluencerAsync(influencer, i / 3)
                : await world.PushAsync(ordinary[i % 2], i / 3, [world.Reader]));
        }

        return TimelineWorld.InPageOrder(posts);
    }

    [Fact]
    public async Task With_a_cache_of_ten_every_page_size_pages_thirty_five_posts_once_newest_first()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 10);
        var world = new TimelineWorld(redis.Cache);
        var expected = await ThirtyFivePostsAsync(world);

        for (var limit = 1; limit <= 7; limit++)
        {
            var pages = await world.ReadAllAsync(limit, postsPerInfluencer: 2);

            Assert.Equal(expected, TimelineWorld.AssertWellFormed(pages, limit));
        }

        // Warm: a first page inside the cached window needs no store read at all.
        world.Store.Reset();
        var first = await world.ReadAsync(limit: 5, cursor: null, postsPerInfluencer: 2);
        Assert.Equal(expected.Take(5), first.Items.Select(item => item.PostId));
        Assert.Empty(world.Store.RowReads);
        Assert.Empty(world.Store.InfluencerReads);
        Assert.Equal(0, world.Store.PostLookups);
    }

    /// <summary>
    /// A burst of one influencer's posts fills the first page, so the merge reads on in that list after its
    /// first chunk; once warm, that continuation comes from the head the page's first read found: no list
    /// read beyond the reader lookup's, and no store read.
    /// </summary>
    [Fact]
    public async Task A_warm_page_that_one_influencers_burst_fills_reads_no_list_twice()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var cache = new CountingTimelineCache(redis.Cache);
        var world = new TimelineWorld(cache);
        var ordinary = world.Modules.AddUser("ordinary");
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        var quiet = world.Modules.AddUser("quiet_influencer", isInfluencer: true);
        foreach (var followee in new[] { ordinary, influencer, quiet })
        {
            world.Modules.Follow(world.Reader, followee);
        }

        var posts = new List<TimelinePost>();
        for (var i = 0; i < 5; i++)
        {
            posts.Add(await world.PushAsync(ordinary, i, [world.Reader]));
            posts.Add(await world.PublishAsInfluencerAsync(quiet, i));
        }

        for (var i = 0; i < 30; i++)
        {
            posts.Add(await world.PublishAsInfluencerAsync(influencer, 100 + i));
        }

        var expected = TimelineWorld.InPageOrder(posts).Take(20).ToList();
        for (var read = 0; read < 2; read++)
        {
            Assert.Equal(expected, (await world.ReadAsync(limit: 20, cursor: null)).Items.Select(item => item.PostId));
        }

        world.Store.Reset();
        var before = cache.ListReads;
        var page = await world.ReadAsync(limit: 20, cursor: null);

        Assert.Equal(expected, page.Items.Select(item => item.PostId));
        Assert.Equal(before, cache.ListReads);
        Assert.Empty(world.Store.InfluencerReads);
        Assert.Empty(world.Store.RowReads);
    }

    [Fact]
    public async Task Flushing_redis_mid_way_still_pages_complete_timelines()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 10, database: RedisTestCache.FlushedDatabase);
        var world = new TimelineWorld(redis.Cache);
        var expected = await ThirtyFivePostsAsync(world);

        for (var limit = 1; limit <= 7; limit++)
        {
            var pages = new List<Feed.Timeline.Contracts.TimelinePage>();
            string? cursor = null;
            do
            {
                if (pages.Count == 2)
                {
                    await redis.FlushDatabaseAsync();
                }

                var page = await world.ReadAsync(limit, cursor, postsPerInfluencer: 2);
                pages.Add(page);
                cursor = page.NextCursor;
                // A cursor that fails to move on would page forever: fail instead of hanging.
                Assert.True(pages.Count <= 1000, "Paging did not end.");
            }
            while (cursor is not null);

            Assert.Equal(expected, TimelineWorld.AssertWellFormed(pages, limit));
        }

        // Posts written after a flush (nothing cached: the cache takes no write) show up too.
        await redis.FlushDatabaseAsync();
        var author = world.Modules.AddUser("late_author");
        world.Modules.Follow(world.Reader, author);
        var late = await world.PushAsync(author, 1000, [world.Reader]);
        var all = TimelineWorld.AssertWellFormed(await world.ReadAllAsync(4, postsPerInfluencer: 2), 4);
        Assert.Equal(expected.Prepend(late.PostId), all);
    }

    [Fact]
    public async Task With_redis_unreachable_posting_deleting_and_reading_all_work_from_the_store()
    {
        var closedPort = ClosedPort();
        await using var unreachable = await ConnectionMultiplexer.ConnectAsync(TimelineCacheRegistration.ConnectionOptions($"127.0.0.1:{closedPort}"));
        Assert.False(unreachable.IsConnected);
        using var cache = new RedisTimelineCache(unreachable, Options.Create(new TimelineOptions { CacheSize = 3 }), NullLogger<RedisTimelineCache>.Instance);
        var world = new TimelineWorld(cache);
        var author = world.Modules.AddUser("author");
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        world.Modules.Follow(world.Reader, author);
        world.Modules.Follow(world.Reader, influencer);
        var created = CreatedHandler(world);
        var posts = new List<PostSummary>();
        for (var i = 0; i < 12; i++)
        {
            var post = Summary(i % 3 == 0 ? influencer : author, i / 2);
            await created.Handle(new PostCreated(post), Ct);
            posts.Add(post);
        }

        var deleted = posts[5];
        await world.DeletedHandler().Handle(new PostDeleted(deleted.PostId, deleted.AuthorId), Ct);

        var expected = posts.Where(post => post != deleted)
            .OrderByDescending(post => post.CreatedOn).ThenByDescending(post => post.PostId)
            .Select(post => post.PostId)
            .ToList();
        for (var limit = 1; limit <= 5; limit++)
        {
            Assert.Equal(expected, TimelineWorld.AssertWellFormed(await world.ReadAllAsync(limit, postsPerInfluencer: 1), limit));
        }
    }

    [Fact]
    public async Task After_an_outage_the_cache_catches_up_with_the_writes_it_missed()
    {
        await using var proxy = new RedisOutageProxy();
        await using var connection = await proxy.ConnectAsync();
        using var redis = RedisTestCache.On(connection, cacheSize: 5);
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        world.Modules.Follow(world.Reader, author);
        var created = CreatedHandler(world);
        var before = new[] { Summary(author, 1), Summary(author, 2) };
        foreach (var post in before)
        {
            await created.Handle(new PostCreated(post), Ct);
        }

        var warm = await world.ReadAllAsync(10);
        Assert.Equal([before[1].PostId, before[0].PostId], TimelineWorld.AssertWellFormed(warm, 10));

        proxy.Cut();
        var missed = Summary(author, 3);
        await created.Handle(new PostCreated(missed), Ct);
        var duringOutage = TimelineWorld.AssertWellFormed(await world.ReadAllAsync(10), 10);
        proxy.Restore();
        await RedisTimelineCacheTests.WaitUntilConnectedAsync(connection);
        var afterOutage = TimelineWorld.AssertWellFormed(await world.ReadAllAsync(10), 10);
        world.Store.Reset();
        var warmAgain = TimelineWorld.AssertWellFormed(await world.ReadAllAsync(10), 10);

        List<Guid> expected = [missed.PostId, before[1].PostId, before[0].PostId];
        Assert.Equal(expected, duringOutage);
        Assert.Equal(expected, afterOutage);
        Assert.Equal(expected, warmAgain);
        Assert.Empty(world.Store.RowReads); // served by the refilled cache
    }

    [Fact]
    public async Task A_late_post_into_a_window_that_deletions_emptied_hides_no_rows()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 2);
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        world.Modules.Follow(world.Reader, author);
        var posts = new List<TimelinePost>();
        for (var i = 0; i < 5; i++)
        {
            posts.Add(await world.PushAsync(author, 10 * i, [world.Reader]));
        }

        await world.ReadAsync(limit: 1, cursor: null); // caches the window: the posts at 40 and 30
        foreach (var deleted in new[] { posts[4], posts[3] })
        {
            await world.DeletedHandler().Handle(new PostDeleted(deleted.PostId, deleted.AuthorId), Ct);
        }

        var late = await world.PushAsync(author, 5, [world.Reader]); // a fan-out delivered late

        var page = await world.ReadAsync(limit: 10, cursor: null);
        Assert.Equal(TimelineWorld.InPageOrder([posts[2], posts[1], late, posts[0]]), page.Items.Select(item => item.PostId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deleted_pulled_post_is_hidden_from_the_moment_the_store_has_removed_it(bool withRedis)
    {
        using var redis = withRedis ? await RedisTestCache.CreateAsync() : null;
        var store = new SteppingStore(TimelineStores.InMemory());
        var world = new TimelineWorld(TimelineStores.All(store), redis?.Cache);
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        await world.FollowAsync(world.Reader, influencer);
        var kept = await world.PostAsync(influencer, 1);
        var deleted = await world.PostAsync(influencer, 2);
        Assert.Equal([deleted.PostId, kept.PostId], await world.TimelineOfAsync(world.Reader)); // cached, with its details

        List<Guid>? right = null;
        store.AfterRemovePost = async () => right = await world.TimelineOfAsync(world.Reader);
        await world.DeletePostAsync(deleted);

        Assert.Equal([kept.PostId], right);
    }

    [Fact]
    public async Task Fan_out_keeps_cached_timelines_current_and_a_deleted_post_leaves_them()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        var followers = Enumerable.Range(0, 5).Select(i => world.Modules.AddUser($"follower_{i}")).Append(world.Reader).ToList();
        followers.ForEach(follower => world.Modules.Follow(follower, author));
        world.Modules.Follow(world.Reader, influencer);
        var created = CreatedHandler(world);
        var first = Summary(author, 1);
        var firstPulled = Summary(influencer, 2);
        await created.Handle(new PostCreated(first), Ct);
        await created.Handle(new PostCreated(firstPulled), Ct);
        Assert.Equal(2, (await world.ReadAsync(10, null)).Items.Count); // caches the reader's timeline and the influencer's posts

        var pushed = Summary(author, 3);
        var pulled = Summary(influencer, 4);
        await created.Handle(new PostCreated(pushed), Ct);
        await created.Handle(new PostCreated(pulled), Ct);
        world.Store.Reset();
        var page = await world.ReadAsync(10, null);

        Assert.Equal([pulled.PostId, pushed.PostId, firstPulled.PostId, first.PostId], page.Items.Select(item => item.PostId));
        Assert.Empty(world.Store.RowReads);
        Assert.Empty(world.Store.InfluencerReads);
        Assert.Equal(0, world.Store.PostLookups); // fan-out cached the new posts' details
        // Followers who never read have nothing cached: fan-out does not build their timelines.
        Assert.False(await redis.Db.KeyExistsAsync(redis.TimelineKey(followers[0])));

        var deleted = world.DeletedHandler();
        await deleted.Handle(new PostDeleted(pushed.PostId, author), Ct);
        await deleted.Handle(new PostDeleted(pulled.PostId, influencer), Ct);
        world.Store.Reset();
        var afterDelete = await world.ReadAsync(10, null);

        Assert.Equal([firstPulled.PostId, first.PostId], afterDelete.Items.Select(item => item.PostId));
        Assert.Null(afterDelete.NextCursor);
        Assert.Equal(0, world.Store.PostLookups); // deletion is known to the cache
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
