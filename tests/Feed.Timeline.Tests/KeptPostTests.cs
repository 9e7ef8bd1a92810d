using Feed.Testing;
using Feed.Timeline.Redis;
using Feed.Timeline.Tests.Support;
using StackExchange.Redis;

namespace Feed.Timeline.Tests;

/// <summary>
/// The post details each process keeps in memory (<c>KeptPosts</c>), on a real Redis shared by two
/// "processes" (two caches over the same keys): kept details answer a read that has seen the
/// deletions stream, so they really are served without Redis; a deletion by either process is never
/// served to a read that starts after it, even after many deletions or a version renewal.
/// </summary>
public sealed class KeptPostTests
{
    private static readonly DateTimeOffset Epoch = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TimelinePost NewPost(int millis = 0) =>
        new(Guid.NewGuid(), Guid.NewGuid(), $"https://cdn.example/{Guid.NewGuid():N}.jpg", "image", Epoch.AddMilliseconds(millis));

    /// <summary>What a timeline read learns of deletions in its first round trip.</summary>
    private static async Task<DeletionsSeen?> BeginReadAsync(RedisTimelineCache cache) =>
        (await cache.ReadReaderAsync(Guid.NewGuid(), DateTimeOffset.UtcNow, null, Ct)).Deletions;

    /// <summary>Caches the posts' details as fan-out does, then reads them once through <paramref name="cache"/> (which keeps them).</summary>
    private static async Task CacheAndReadAsync(RedisTimelineCache cache, params TimelinePost[] posts)
    {
        await BeginReadAsync(cache);
        foreach (var post in posts)
        {
            await cache.AddPostAsync(post, "ada", Ct);
        }

        var read = await cache.GetPostsAsync([.. posts.Select(post => post.PostId)], null, Ct);
        Assert.Equal(posts.Length, read.Found.Count);
    }

    [Fact]
    public async Task Kept_details_answer_a_read_that_has_seen_the_deletions_without_reading_redis()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var keepsNothing = redis.Sibling(keptPosts: 0);
        var post = NewPost();
        await CacheAndReadAsync(redis.Cache, post);

        // Gone from Redis behind the caches' backs (no deletion announced): only a process reading Redis misses it.
        await redis.Db.KeyDeleteAsync(redis.PostKey(post.PostId));

        var seen = await BeginReadAsync(redis.Cache);
        Assert.NotNull(seen);
        var kept = await redis.Cache.GetPostsAsync([post.PostId], seen, Ct);
        Assert.Equal(post, kept.Found[post.PostId]);
        Assert.Equal("ada", kept.AuthorNames[post.AuthorId]);
        Assert.Empty((await keepsNothing.Cache.GetPostsAsync([post.PostId], await BeginReadAsync(keepsNothing.Cache), Ct)).Found);
        // A read that has not checked the deletions reads Redis.
        Assert.Empty((await redis.Cache.GetPostsAsync([post.PostId], null, Ct)).Found);
    }

    [Fact]
    public async Task A_post_deleted_by_another_process_is_not_served_to_a_read_that_starts_after_the_deletion()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var other = redis.Sibling();
        var deleted = NewPost(1);
        var kept = NewPost(2);
        await CacheAndReadAsync(redis.Cache, deleted, kept);
        await CacheAndReadAsync(other.Cache, deleted, kept);

        await other.Cache.RemovePostAsync(deleted.AuthorId, deleted.PostId, Ct);

        foreach (var cache in new[] { redis.Cache, other.Cache })
        {
            var read = await cache.GetPostsAsync([deleted.PostId, kept.PostId], await BeginReadAsync(cache), Ct);
            Assert.Equal([kept.PostId], read.Found.Keys);
            Assert.Equal([deleted.PostId], read.Deleted);
        }
    }

    [Fact]
    public async Task More_deletions_than_one_check_reads_vouch_for_nothing_until_a_later_read_has_caught_up()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var other = redis.Sibling();
        await BeginReadAsync(other.Cache); // the deleter's own start-up renewal, out of the way
        var post = NewPost();
        await CacheAndReadAsync(redis.Cache, post);
        Assert.NotNull(await BeginReadAsync(redis.Cache));

        // More deletions than one check reads, the kept post's the last of them.
        for (var i = 0; i < KeptPosts.EntriesPerCheck + 10; i++)
        {
            var gone = NewPost();
            await other.Cache.RemovePostAsync(gone.AuthorId, gone.PostId, Ct);
        }

        await other.Cache.RemovePostAsync(post.AuthorId, post.PostId, Ct);

        Assert.Null(await BeginReadAsync(redis.Cache));
        var caughtUp = await BeginReadAsync(redis.Cache);
        Assert.NotNull(caughtUp);
        var read = await redis.Cache.GetPostsAsync([post.PostId], caughtUp, Ct);
        Assert.Empty(read.Found);
        Assert.Equal([post.PostId], read.Deleted);
    }

    [Fact]
    public async Task A_new_cache_version_drops_every_kept_post()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var post = NewPost();
        await CacheAndReadAsync(redis.Cache, post);

        // Another process renewed the version (after a write it lost: perhaps a deletion's mark).
        await redis.Db.StringSetAsync(redis.VersionKey, "renewed-elsewhere");

        var read = await redis.Cache.GetPostsAsync([post.PostId], await BeginReadAsync(redis.Cache), Ct);
        Assert.Empty(read.Found);
    }

    [Fact]
    public async Task A_deletion_in_an_emptied_redis_is_seen_though_its_stream_numbers_below_the_position_reached_before()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var other = redis.Sibling();
        await BeginReadAsync(other.Cache); // the deleter's own start-up renewal, out of the way
        // The stream's newest entry is an hour ahead: numbered by a server whose clock ran ahead of the one
        // that replaces it empty (stream ids follow the server's clock). This process's position reaches it.
        var ahead = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        await redis.Db.StreamAddAsync(redis.Prefix + "deleted-posts", KeptPosts.PostField, Guid.NewGuid().ToString("N"), messageId: $"{ahead}-0");
        await BeginReadAsync(redis.Cache);
        Assert.NotNull(await BeginReadAsync(redis.Cache));

        await redis.ForgetEverythingAsync();
        var post = NewPost();
        await CacheAndReadAsync(redis.Cache, post);
        await other.Cache.RemovePostAsync(post.AuthorId, post.PostId, Ct);

        var read = await redis.Cache.GetPostsAsync([post.PostId], await BeginReadAsync(redis.Cache), Ct);
        Assert.Empty(read.Found);
    }

    [Fact]
    public async Task A_deletion_lost_by_one_process_is_not_served_by_another_once_that_process_writes_again()
    {
        using var redis = await RedisTestCache.CreateAsync();
        await using var proxy = new RedisOutageProxy();
        await using var connection = await proxy.ConnectAsync();
        using var deleter = RedisTestCache.On(connection, prefix: redis.Prefix);
        var deleted = NewPost(1);
        await CacheAndReadAsync(redis.Cache, deleted); // another process keeps the post's details

        proxy.Cut();
        await deleter.Cache.RemovePostAsync(deleted.AuthorId, deleted.PostId, Ct); // gone from the store; the cache write is lost
        proxy.Restore();
        await RedisTimelineCacheTests.WaitUntilConnectedAsync(connection);

        // The deleting process reaches Redis again: its next write (another deletion) is marked and announced.
        var later = NewPost(2);
        await deleter.Cache.RemovePostAsync(later.AuthorId, later.PostId, Ct);
        Assert.Equal("deleted", (string?)await redis.Db.StringGetAsync(redis.PostKey(later.PostId)));

        var kept = await redis.Cache.GetPostsAsync([deleted.PostId, later.PostId], await BeginReadAsync(redis.Cache), Ct);
        var fromRedis = await redis.Cache.GetPostsAsync([deleted.PostId], null, Ct);
        Assert.Equal([later.PostId], kept.Deleted);
        Assert.DoesNotContain(deleted.PostId, kept.Found.Keys);
        Assert.DoesNotContain(deleted.PostId, fromRedis.Found.Keys);
    }

    [Fact]
    public async Task A_deletion_lost_by_a_process_that_makes_no_further_call_is_not_served_by_another_once_redis_is_back()
    {
        using var redis = await RedisTestCache.CreateAsync();
        await using var proxy = new RedisOutageProxy();
        await using var connection = await proxy.ConnectAsync();
        using var deleter = RedisTestCache.On(connection, prefix: redis.Prefix);
        var deleted = NewPost(1);
        await CacheAndReadAsync(redis.Cache, deleted);

        proxy.Cut();
        await deleter.Cache.RemovePostAsync(deleted.AuthorId, deleted.PostId, Ct);
        proxy.Restore();
        await RedisTimelineCacheTests.WaitUntilConnectedAsync(connection);

        // The deleting process does nothing more (no read, no write): the other process stops serving the post all the same.
        await Patience.UntilAsync(
            async () => !(await redis.Cache.GetPostsAsync([deleted.PostId], await BeginReadAsync(redis.Cache), Ct)).Found.ContainsKey(deleted.PostId),
            "the other process to stop serving the post whose deletion was lost",
            Ct);
        Assert.DoesNotContain(deleted.PostId, (await redis.Cache.GetPostsAsync([deleted.PostId], null, Ct)).Found.Keys);
    }

    [Fact]
    public async Task A_deletion_lost_to_a_failed_write_is_not_served_by_another_process_though_the_deleter_makes_no_further_call()
    {
        // No outage (so on a cluster too): the deletion's batch fails on a key of the wrong type.
        using var redis = await RedisTestCache.CreateAsync();
        using var deleter = redis.Sibling();
        await BeginReadAsync(deleter.Cache); // past its start-up renewal: the deleter trusts the cache
        var deleted = NewPost(1);
        await CacheAndReadAsync(redis.Cache, deleted);
        await redis.Db.StringSetAsync(redis.InfluencerPostsKey(deleted.AuthorId), "not a sorted set");

        await deleter.Cache.RemovePostAsync(deleted.AuthorId, deleted.PostId, Ct);

        await Patience.UntilAsync(
            async () => !(await redis.Cache.GetPostsAsync([deleted.PostId], await BeginReadAsync(redis.Cache), Ct)).Found.ContainsKey(deleted.PostId),
            "the other process to stop serving the post whose deletion failed",
            Ct);
    }

    [Fact]
    public async Task A_deletion_is_announced_on_the_stream_only_once_its_mark_and_list_removal_are_done()
    {
        // A process establishing its stream position at an entry applies none before it (KeptPosts), so a
        // details read it sends next must find the marks of all of them: on a cluster the stream is on
        // another node than the mark, and an XADD sent with the mark could land first.
        using var redis = await RedisTestCache.CreateAsync();
        RedisKey stream = redis.Prefix + "deleted-posts";

        // The author's list is not a sorted set, so the batch with the mark fails: an XADD sent along with
        // it would be in the stream whatever became of it; one sent after its answers is not sent at all.
        var failed = NewPost();
        await redis.Db.StringSetAsync(redis.InfluencerPostsKey(failed.AuthorId), "not a sorted set");
        await redis.Cache.RemovePostAsync(failed.AuthorId, failed.PostId, Ct);
        Assert.DoesNotContain(failed.PostId.ToString("N"), (await redis.Db.StreamRangeAsync(stream)).Select(entry => (string?)entry[KeptPosts.PostField]));

        // A deletion that succeeds: when its XADD runs (on the stream's node), its mark is readable.
        var post = NewPost();
        var member = post.PostId.ToString("N");
        await using var monitor = await RedisMonitor.StartAsync(redis.Redis, stream, Ct);
        var deleting = redis.Cache.RemovePostAsync(post.AuthorId, post.PostId, Ct).AsTask();
        var commands = await monitor.UntilAsync(line => line.Contains("\"XADD\"", StringComparison.Ordinal) && line.Contains(member, StringComparison.Ordinal), Ct);
        Assert.Equal("deleted", (string?)await redis.Db.StringGetAsync(redis.PostKey(post.PostId)));
        if (!RedisTestCache.IsCluster(redis.Redis))
        {
            // One server runs both: the mark's write came first.
            Assert.Contains(commands, line => line.Contains("post:" + member, StringComparison.Ordinal) && line.Contains("\"deleted\"", StringComparison.Ordinal));
        }

        await deleting;
    }

    [Fact]
    public void A_details_read_that_raced_a_deletion_or_a_start_over_keeps_nothing()
    {
        var kept = new KeptPosts(capacity: 100);
        var version = "v1";
        var establish = new DeletionCheck(Establishing: true, Position: 0, Task.FromResult<StreamEntry[]>([]));
        Assert.Null(kept.Apply(establish, [], version));
        var epoch = kept.Epoch;
        var deleted = NewPost();
        var other = NewPost();

        // The deletion's entry is applied while a details read sent before it is still in flight.
        var check = new DeletionCheck(Establishing: false, Position: 0, Task.FromResult<StreamEntry[]>([]));
        var seen = kept.Apply(check, [new StreamEntry("5-0", [new NameValueEntry(KeptPosts.PostField, deleted.PostId.ToString("N"))])], version);
        Assert.NotNull(seen);
        kept.Keep(epoch, deleted.PostId, new KeptPost(deleted, "ada", version));
        kept.Keep(epoch, other.PostId, new KeptPost(other, "bob", version));
        Assert.Null(kept.Find(deleted.PostId, seen));
        Assert.NotNull(kept.Find(other.PostId, seen));

        // A new version starts over: the position is established again (a check sent from the old one vouches
        // for nothing), a read sent before it keeps nothing, and earlier copies are gone.
        Assert.Null(kept.Apply(check, [], "v2"));
        Assert.Null(kept.Apply(establish with { Position = 1 }, [], "v2"));
        Assert.Null(kept.Apply(check, [], "v2"));
        var renewed = kept.Apply(check with { Position = 1 }, [], "v2");
        Assert.NotNull(renewed);
        kept.Keep(epoch, other.PostId, new KeptPost(other, "bob", "v2"));
        Assert.Null(kept.Find(other.PostId, renewed));
        Assert.Null(kept.Find(other.PostId, seen));
    }

    [Fact]
    public void A_copy_kept_while_no_position_was_established_does_not_outlive_the_position_established_after_it()
    {
        // GetPostsAsync decides whether its MGET may keep copies by reading Seen, then Epoch, with no lock
        // ("_keptPosts is { Seen: not null } ? _keptPosts.Epoch : null"); Apply's start-over raises the epoch
        // (StartOver, then ForgetAll of up to KeptPosts copies) before it clears Seen. A details read whose two
        // reads straddle that start-over takes the new epoch although its MGET is sent with no position.
        var kept = new KeptPosts(capacity: 100);
        var establish = new DeletionCheck(Establishing: true, Position: 0, Task.FromResult<StreamEntry[]>([]));
        Assert.Null(kept.Apply(establish, [], "v1"));
        var post = NewPost();

        // The details read reads Seen: the position is known.
        Assert.NotNull(kept.Seen);
        // A read under a new version (an emptied Redis) starts over before the details read reads Epoch.
        var fromOld = new DeletionCheck(Establishing: false, Position: 0, Task.FromResult<StreamEntry[]>([]));
        Assert.Null(kept.Apply(fromOld, [], "v2"));
        Assert.Null(kept.Seen);
        var epoch = kept.Epoch;

        // Its MGET (under v2) finds the post's details, not yet deleted, and keeps them. The post is then
        // deleted: its entry is the stream's newest when the next read establishes the position afresh, so
        // the position starts at the deletion and never applies it.
        kept.Keep(epoch, post.PostId, new KeptPost(post, "ada", "v2"));
        var deletion = new StreamEntry("7-0", [new NameValueEntry(KeptPosts.PostField, post.PostId.ToString("N"))]);
        Assert.Null(kept.Apply(establish with { Position = 1, Entries = Task.FromResult<StreamEntry[]>([deletion]) }, [deletion], "v2"));

        // A read that starts after the deletion checks the stream from the new position and vouches: it must
        // not be answered from the deleted post's copy.
        var seen = kept.Apply(new DeletionCheck(Establishing: false, Position: 1, Task.FromResult<StreamEntry[]>([])), [], "v2");
        Assert.NotNull(seen);
        Assert.Null(kept.Find(post.PostId, seen));
    }

    [Fact]
    public async Task A_deletion_trims_the_stream_to_the_minutes_it_keeps_by_the_server_s_clock()
    {
        using var redis = await RedisTestCache.CreateAsync();
        RedisKey stream = redis.Prefix + "deleted-posts";
        var time = (RedisResult[])(await redis.Db.ExecuteAsync("TIME"))!;
        var serverMs = ((long)time[0] * 1000) + ((long)time[1] / 1000);
        var kept = (long)KeptPosts.StreamAge.TotalMilliseconds;

        // Entries numbered as the server numbers them: some older than the stream keeps, some younger.
        const int Each = 300;
        var stale = serverMs - (2 * kept);
        var recent = serverMs - (kept / 2);
        foreach (var at in new[] { stale, recent })
        {
            for (var i = 0; i < Each; i++)
            {
                await redis.Db.StreamAddAsync(stream, KeptPosts.PostField, Guid.NewGuid().ToString("N"), messageId: $"{at}-{i}");
            }
        }

        var post = NewPost();
        await redis.Cache.RemovePostAsync(post.AuthorId, post.PostId, Ct);

        var left = await redis.Db.StreamRangeAsync(stream);
        static long Millis(StreamEntry entry) => long.Parse(((string)entry.Id!).Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Each, left.Count(entry => Millis(entry) == recent));
        Assert.Equal(post.PostId.ToString("N"), (string?)left[^1][KeptPosts.PostField]);
        // The trim is approximate (whole nodes of the stream go, a node mixing both ages stays): most of the stale entries go.
        Assert.InRange(left.Count(entry => Millis(entry) == stale), 0, (Each / 2) - 1);
    }
}
