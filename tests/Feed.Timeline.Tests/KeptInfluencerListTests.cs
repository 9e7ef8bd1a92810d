using Feed.SharedKernel.Paging;
using Feed.Testing;
using Feed.Timeline.Redis;
using Feed.Timeline.Tests.Support;
using Feed.Timeline.Timelines.GetTimeline;
using StackExchange.Redis;

namespace Feed.Timeline.Tests;

/// <summary>
/// The influencer lists each process keeps in memory (<c>KeptInfluencerLists</c>), on a real Redis
/// shared by two "processes" (two caches over the same keys): a kept copy is served only while no
/// change to its list has completed, whichever process made the change and whether or not Redis
/// held the list at the time; and it is served, so reads really stop reading the list.
/// </summary>
public sealed class KeptInfluencerListTests
{
    private static readonly DateTimeOffset Epoch = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TimelineEntry Entry(Guid influencer, long millis) =>
        new(new SequenceKey(Epoch.AddMilliseconds(millis), Guid.NewGuid()), influencer);

    /// <summary>A read through the cache as <c>TimelineReads</c> does it: a miss is filled from <paramref name="store"/> and read again.</summary>
    private static async Task<CachedRange> ReadAsync(RedisTimelineCache cache, Guid influencer, List<TimelineEntry> store, SequenceKey? after = null, int limit = 6)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var read = await cache.ReadAsync(CachedList.InfluencerPosts, [influencer], after, limit, Ct);
            if (read.Hits.TryGetValue(influencer, out var hit))
            {
                return hit;
            }

            var newest = PageOrder.NewestFirst(store, entry => entry.Key.At, entry => entry.Key.Id).Take(cache.Capacity + 1).ToList();
            await cache.FillAsync(CachedList.InfluencerPosts, read.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [influencer] = newest }, Ct);
        }

        throw new InvalidOperationException("The list was not cached after two fills.");
    }

    /// <summary>The store's answer, newest first, in an order computed apart from the comparer under test.</summary>
    private static List<TimelineEntry> Expected(List<TimelineEntry> store, SequenceKey? after, int limit) =>
        store.Where(entry => after is not { } position || entry.Key.At < position.At || (entry.Key.At == position.At && entry.Key.Id.CompareTo(position.Id) < 0))
            .OrderByDescending(entry => entry.Key.At)
            .ThenByDescending(entry => entry.Key.Id)
            .Take(limit)
            .ToList();

    [Fact]
    public async Task A_kept_copy_answers_without_reading_the_list()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var keepsNothing = redis.Sibling(keptInfluencerLists: 0);
        var influencer = Guid.NewGuid();
        List<TimelineEntry> store = [Entry(influencer, 1), Entry(influencer, 2)];
        await ReadAsync(redis.Cache, influencer, store);

        // Written behind the cache's back (no token change): only a process reading the list sees it.
        var planted = Entry(influencer, 3);
        await redis.Db.SortedSetAddAsync(redis.InfluencerPostsKey(influencer), RedisTestCache.EntryMember(planted.CreatedOn, planted.PostId), planted.CreatedOn.ToUnixTimeMilliseconds());

        Assert.DoesNotContain(planted, (await ReadAsync(redis.Cache, influencer, store)).Entries);
        Assert.Contains(planted, (await ReadAsync(keepsNothing.Cache, influencer, store)).Entries);
    }

    [Fact]
    public async Task A_kept_copy_runs_deeper_than_a_first_page_and_answers_the_next_pages()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var influencer = Guid.NewGuid();
        var store = Enumerable.Range(0, 40).Select(i => Entry(influencer, i)).ToList();
        await ReadAsync(redis.Cache, influencer, store);

        // Written behind the cache's back (no token change), past the first page: a read of the list would show it.
        var planted = Entry(influencer, 20);
        await redis.Db.SortedSetAddAsync(redis.InfluencerPostsKey(influencer), RedisTestCache.EntryMember(planted.CreatedOn, planted.PostId), planted.CreatedOn.ToUnixTimeMilliseconds());

        var horizon = Expected(store, null, 6)[^1].Key;
        var next = await ReadAsync(redis.Cache, influencer, store, horizon, limit: 20);
        Assert.Equal(Expected(store, horizon, 20), next.Entries);
        Assert.Equal(Expected(store, null, KeptList.Depth), next.Head?.Range(null, KeptList.Depth).Entries);
    }

    /// <summary>
    /// A first page's head is the list as deep as the copy reads it, whole only when the read saw the list's
    /// end: every read on from any position it answers is the store's.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(90)]
    public async Task A_first_pages_head_answers_reads_on_from_anywhere_as_the_store_does(int length)
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 100);
        var influencer = Guid.NewGuid();
        var store = Enumerable.Range(0, length).Select(i => Entry(influencer, i / 2)).ToList();
        await ReadAsync(redis.Cache, influencer, store);

        var head = (await ReadAsync(redis.Cache, influencer, store)).Head!;
        var ordered = Expected(store, null, int.MaxValue);
        Assert.Equal(length < KeptList.Depth, head.Answers(ordered[^1].Key, 1));
        Assert.Equal(length < KeptList.Depth, head.Answers(null, KeptList.Depth + 1));
        foreach (var after in ordered.Select(entry => (SequenceKey?)entry.Key).Prepend(null))
        {
            foreach (var limit in new[] { 1, 6, 17, 40, 64 })
            {
                if (head.Answers(after, limit))
                {
                    var range = head.Range(after, limit);
                    Assert.Equal(Expected(store, after, limit), range.Entries);
                    Assert.True(range.Entries.Count == limit || range.ReachesEnd);
                    Assert.True(!range.ReachesEnd || Expected(store, after, int.MaxValue).Count == range.Entries.Count);
                }
            }
        }
    }

    /// <summary>
    /// A page that one influencer's posts fill reads that list on after its first chunk; the head the
    /// first read found answers it, with neither Redis nor the store read again.
    /// </summary>
    [Fact]
    public async Task A_page_reads_on_in_an_influencer_list_from_the_head_its_first_read_found()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var stores = new RecordingTimelineStore(TimelineStores.InMemory());
        var influencer = Guid.NewGuid();
        var posted = Enumerable.Range(0, 40).Select(i => Entry(influencer, i)).ToList();
        var quiet = Guid.NewGuid();
        var other = Guid.NewGuid();
        List<TimelineEntry> older = [Entry(other, 3), Entry(other, 5)];
        foreach (var entry in posted.Concat([Entry(quiet, 38), Entry(quiet, 39)]).Concat(older))
        {
            await stores.AddInfluencerPostAsync(entry, Ct);
        }

        TimelineReads NewRead() => new(stores, stores, redis.Cache, static (_, _) => ValueTask.FromResult<IReadOnlyDictionary<Guid, string>>(new Dictionary<Guid, string>()));
        await NewRead().GetInfluencerPostsAsync([influencer, quiet], null, 6, Ct);
        var read = NewRead();
        var first = await read.GetInfluencerPostsAsync([influencer, quiet], null, 6, Ct);
        Assert.Equal(Expected(posted, null, 6), first[influencer]);

        // Redis loses the list and its token: a read of it now would need the store.
        await redis.Db.KeyDeleteAsync([redis.InfluencerPostsKey(influencer), redis.InfluencerPostsTokenKey(influencer)]);
        stores.Reset();
        var horizon = first[influencer][4].Key;

        var next = await read.GetInfluencerPostsAsync([influencer, quiet], horizon, 17, Ct);
        Assert.Equal(Expected(posted, horizon, 17), next[influencer]);
        Assert.DoesNotContain(quiet, next.Keys); // its whole list is newer than the horizon
        Assert.Empty(stores.InfluencerReads);

        // An influencer this read has not found is read as before (here from the store: Redis has none of its list).
        var unseen = await read.GetInfluencerPostsAsync([influencer, other], horizon, 17, Ct);
        Assert.Equal(Expected(posted, horizon, 17), unseen[influencer]);
        Assert.Equal(Expected(older, horizon, 17), unseen[other]);
        Assert.Equal([other], Assert.Single(stores.InfluencerReads).InfluencerIds);
        stores.Reset();
        Assert.Equal(Expected(posted, horizon, 17), (await NewRead().GetInfluencerPostsAsync([influencer], horizon, 17, Ct))[influencer]);
        Assert.NotEmpty(stores.InfluencerReads);
    }

    [Fact]
    public async Task A_deleted_post_leaves_the_cached_list_though_the_deletion_names_only_its_id()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var readsRedis = redis.Sibling(keptInfluencerLists: 0);
        var influencer = Guid.NewGuid();
        var deleted = Entry(influencer, 2);
        List<TimelineEntry> store = [Entry(influencer, 1), deleted, Entry(influencer, 3)];
        await ReadAsync(redis.Cache, influencer, store);

        await redis.Cache.RemovePostAsync(influencer, deleted.PostId, Ct);
        store.Remove(deleted);

        Assert.Equal(4, await redis.Db.SortedSetLengthAsync(redis.InfluencerPostsKey(influencer))); // two entries, the marker and "end"
        var read = await ReadAsync(readsRedis.Cache, influencer, store);
        Assert.Equal(Expected(store, null, 6), read.Entries);
        Assert.True(read.ReachesEnd);
        Assert.Equal(Expected(store, null, 6), (await ReadAsync(redis.Cache, influencer, store)).Entries);
    }

    [Fact]
    public async Task A_change_made_by_another_process_is_seen_on_the_next_read()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var other = redis.Sibling();
        var influencer = Guid.NewGuid();
        List<TimelineEntry> store = [Entry(influencer, 1), Entry(influencer, 2)];
        await ReadAsync(redis.Cache, influencer, store);
        await ReadAsync(redis.Cache, influencer, store);

        var posted = Entry(influencer, 3);
        store.Add(posted);
        await other.Cache.AddAsync(CachedList.InfluencerPosts, [influencer], posted, Ct);
        Assert.Equal(Expected(store, null, 6), (await ReadAsync(redis.Cache, influencer, store)).Entries);

        store.Remove(posted);
        await other.Cache.RemovePostAsync(influencer, posted.PostId, Ct);
        Assert.Equal(Expected(store, null, 6), (await ReadAsync(redis.Cache, influencer, store)).Entries);
    }

    [Fact]
    public async Task A_post_added_while_redis_had_no_list_is_not_hidden_by_a_copy()
    {
        using var redis = await RedisTestCache.CreateAsync();
        using var other = redis.Sibling();
        var influencer = Guid.NewGuid();
        List<TimelineEntry> store = [Entry(influencer, 1)];
        await ReadAsync(redis.Cache, influencer, store);

        // The list expires; a post arrives while it is absent (the add leaves absent lists alone).
        await redis.Db.KeyDeleteAsync(redis.InfluencerPostsKey(influencer));
        var posted = Entry(influencer, 2);
        store.Add(posted);
        await other.Cache.AddAsync(CachedList.InfluencerPosts, [influencer], posted, Ct);

        Assert.Equal(Expected(store, null, 6), (await ReadAsync(redis.Cache, influencer, store)).Entries);
    }

    [Fact]
    public async Task A_renewed_version_retires_every_copy()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var influencer = Guid.NewGuid();
        List<TimelineEntry> store = [Entry(influencer, 1)];
        await ReadAsync(redis.Cache, influencer, store);
        await ReadAsync(redis.Cache, influencer, store);

        // Another process renews the version (after a failed write of its own): nothing cached before is trusted.
        await redis.Db.StringSetAsync(redis.VersionKey, Guid.NewGuid().ToString("N"));

        var read = await redis.Cache.ReadAsync(CachedList.InfluencerPosts, [influencer], null, 6, Ct);
        Assert.Empty(read.Hits);
        Assert.Equal([influencer], read.Fill!.Expected.Keys);
    }

    /// <summary>A hit's head, read on from a random position with a random limit, answers what the store holds (as far as it vouches).</summary>
    private static void AssertHeadIsTheList(ListHead? head, List<TimelineEntry> store, Random random, string context)
    {
        if (head is null)
        {
            return;
        }

        var ordered = Expected(store, null, int.MaxValue);
        SequenceKey? after = ordered.Count > 0 && random.Next(2) == 0 ? ordered[random.Next(ordered.Count)].Key : null;
        var limit = random.Next(1, 12);
        if (!head.Answers(after, limit))
        {
            return;
        }

        var range = head.Range(after, limit);
        var expected = Expected(store, after, limit);
        Assert.Equal(expected, range.Entries);
        Assert.True(range.Entries.Count == limit || range.ReachesEnd, context);
        Assert.True(!range.ReachesEnd || Expected(store, after, int.MaxValue).Count == range.Entries.Count, context);
    }

    /// <summary>
    /// Random interleavings of posts, deletes, drops and expiries by either process with reads at any
    /// position and size by either: every hit is exactly the store's answer as far as it goes.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Every_read_matches_the_store_under_random_changes_from_both_processes(int seed)
    {
        using var first = await RedisTestCache.CreateAsync(cacheSize: 8);
        using var second = first.Sibling();
        RedisTimelineCache[] processes = [first.Cache, second.Cache];
        var random = new Random(seed);
        var heads = new Random(seed); // apart: checking heads leaves the steps as they were
        Guid[] influencers = [Guid.NewGuid(), Guid.NewGuid()];
        var stores = influencers.ToDictionary(id => id, _ => new List<TimelineEntry>());
        var clock = 1000L;

        for (var step = 0; step < 300; step++)
        {
            var influencer = influencers[random.Next(influencers.Length)];
            var store = stores[influencer];
            var process = processes[random.Next(processes.Length)];
            switch (random.Next(10))
            {
                case 0 or 1:
                    // Mostly newer than everything; sometimes a tie or an older one.
                    var entry = Entry(influencer, random.Next(4) == 0 ? clock - random.Next(0, 50) : clock += random.Next(0, 3));
                    store.Add(entry);
                    await process.AddAsync(CachedList.InfluencerPosts, [influencer], entry, Ct);
                    break;
                case 2 when store.Count > 0:
                    var deleted = store[random.Next(store.Count)];
                    store.Remove(deleted);
                    await process.RemovePostAsync(influencer, deleted.PostId, Ct);
                    break;
                case 3:
                    await process.DropAsync(CachedList.InfluencerPosts, [influencer], Ct);
                    break;
                case 4:
                    await first.Db.KeyDeleteAsync(first.InfluencerPostsKey(influencer));
                    break;
                default:
                    var ordered = Expected(store, null, int.MaxValue);
                    SequenceKey? after = random.Next(3) == 0 && ordered.Count > 0 ? ordered[random.Next(ordered.Count)].Key : null;
                    var limit = random.Next(1, 8);
                    var hit = await ReadAsync(process, influencer, store, after, limit);
                    var expected = Expected(store, after, limit);
                    var context = $"seed {seed}, step {step}, after {after}, limit {limit}";
                    Assert.True(hit.Entries.Count <= expected.Count, context);
                    Assert.Equal(expected.Take(hit.Entries.Count), hit.Entries);
                    Assert.True(hit.Entries.Count == limit || !hit.ReachesEnd || hit.Entries.Count == expected.Count, context);
                    Assert.True(!hit.ReachesEnd || hit.Entries.Count == expected.Count, context);
                    AssertHeadIsTheList(hit.Head, store, heads, context);
                    break;
            }
        }
    }
}
