using Feed.SharedKernel.Paging;
using Feed.Testing;
using Feed.Timeline.Redis;
using Feed.Timeline.Tests.Support;
using StackExchange.Redis;

namespace Feed.Timeline.Tests;

/// <summary>
/// What <see cref="RedisTimelineCache"/> promises, on a real Redis: fills, reads strictly after a
/// position (ties in post_id order, exactly like the store), the capacity window, adds only to cached
/// lists, safe fills under concurrent writes and drops, distrust after failed writes and lost
/// connections, and post details that never bring a deleted post back.
/// </summary>
public sealed class RedisTimelineCacheTests
{
    private static readonly DateTimeOffset Epoch = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TimelineEntry Entry(long millis, Guid? postId = null, Guid? authorId = null) =>
        new(new SequenceKey(Epoch.AddMilliseconds(millis), postId ?? Guid.NewGuid()), authorId ?? Guid.Empty);

    private static List<TimelineEntry> NewestFirst(IEnumerable<TimelineEntry> entries) => PageOrder.NewestFirst(entries, entry => entry.Key.At, entry => entry.Key.Id);

    private static async Task<CachedRanges> ReadAsync(RedisTimelineCache cache, Guid ownerId, SequenceKey? after = null, int limit = 1000, CachedList list = CachedList.Timeline) =>
        await cache.ReadAsync(list, [ownerId], after, limit, Ct);

    /// <summary>A read that misses, then a fill with the given store rows (newest first), as <c>TimelineReads</c> does it.</summary>
    private static async Task FillAsync(RedisTimelineCache cache, Guid ownerId, IReadOnlyList<TimelineEntry> storeRows, CachedList list = CachedList.Timeline)
    {
        var read = await ReadAsync(cache, ownerId, list: list);
        Assert.DoesNotContain(ownerId, read.Hits.Keys);
        var fill = Assert.IsType<CacheFill>(read.Fill);
        await cache.FillAsync(list, fill, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [ownerId] = storeRows.Take(cache.Capacity + 1).ToList() }, Ct);
    }

    /// <summary>Six entries 10 ms apart filled into a cache of capacity three: its newest three, without "end".</summary>
    private static async Task<(Guid UserId, List<TimelineEntry> Rows)> SixEntriesInAFullWindowAsync(RedisTestCache redis)
    {
        var userId = Guid.NewGuid();
        var rows = NewestFirst(Enumerable.Range(0, 6).Select(i => Entry(10 * i)));
        await FillAsync(redis.Cache, userId, rows);
        return (userId, rows);
    }

    private static CachedRange Hit(CachedRanges read, Guid ownerId) =>
        Assert.Contains(ownerId, (IReadOnlyDictionary<Guid, CachedRange>)read.Hits);

    private static List<SequenceKey> Keys(IEnumerable<TimelineEntry> entries) => entries.Select(entry => entry.Key).ToList();

    [Fact]
    public async Task A_missed_list_is_filled_once_and_then_read_back_newest_first()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var userId = Guid.NewGuid();
        var rows = NewestFirst(Enumerable.Range(0, 5).Select(i => Entry(i * 10)));

        await FillAsync(redis.Cache, userId, rows);
        var range = Hit(await ReadAsync(redis.Cache, userId), userId);

        Assert.Equal(Keys(rows), Keys(range.Entries));
        Assert.True(range.ReachesEnd);
        Assert.All(range.Entries, entry => Assert.Equal(Guid.Empty, entry.AuthorId));
    }

    [Fact]
    public async Task An_empty_list_is_cached_as_whole_and_empty()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var userId = Guid.NewGuid();

        await FillAsync(redis.Cache, userId, []);
        var range = Hit(await ReadAsync(redis.Cache, userId), userId);

        Assert.Empty(range.Entries);
        Assert.True(range.ReachesEnd);
    }

    [Fact]
    public async Task Reads_after_any_position_match_the_store_exactly_including_ties_within_a_millisecond()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var store = TimelineStores.InMemory().Rows;
        var userId = Guid.NewGuid();
        // Eight posts share millisecond 50 (ids random, so their order is only decided by post_id),
        // plus posts before and after; one more shares a millisecond with the first one.
        var entries = Enumerable.Range(0, 8).Select(_ => Entry(50))
            .Concat([Entry(10), Entry(10), Entry(20), Entry(70), Entry(90)])
            .ToList();
        foreach (var entry in entries)
        {
            await store.AddTimelineRowsAsync([userId], entry, Ct);
        }

        var storeRows = await store.GetTimelineRowsAsync(userId, null, 1000, Ct);
        Assert.Equal(Keys(NewestFirst(entries)), Keys(storeRows));
        await FillAsync(redis.Cache, userId, storeRows);

        // Every position, including positions of posts that are not in the list (same millisecond, any id).
        var positions = storeRows.Select(row => (SequenceKey?)row.Key)
            .Append(null)
            .Append(new SequenceKey(Epoch.AddMilliseconds(50), Guid.NewGuid()))
            .Append(new SequenceKey(Epoch.AddMilliseconds(50), Guid.Empty))
            .Append(new SequenceKey(Epoch.AddMilliseconds(50), Guid.AllBitsSet))
            .Append(new SequenceKey(Epoch.AddMilliseconds(5), Guid.NewGuid()));
        foreach (var position in positions)
        {
            for (var limit = 1; limit <= 14; limit++)
            {
                var expected = await store.GetTimelineRowsAsync(userId, position, limit, Ct);
                var range = Hit(await ReadAsync(redis.Cache, userId, position, limit), userId);

                Assert.Equal(Keys(expected), Keys(range.Entries));
                Assert.Equal(expected.Count < limit, range.ReachesEnd);
            }
        }
    }

    [Fact]
    public async Task A_list_longer_than_the_capacity_keeps_its_newest_entries_and_says_the_store_holds_the_rest()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 4);
        var userId = Guid.NewGuid();
        var rows = NewestFirst(Enumerable.Range(0, 9).Select(i => Entry(i)));

        await FillAsync(redis.Cache, userId, rows);
        var first = Hit(await ReadAsync(redis.Cache, userId, limit: 10), userId);
        var afterWindow = Hit(await ReadAsync(redis.Cache, userId, rows[3].Key, limit: 10), userId);

        Assert.Equal(Keys(rows.Take(4)), Keys(first.Entries));
        Assert.False(first.ReachesEnd);
        Assert.Empty(afterWindow.Entries);
        Assert.False(afterWindow.ReachesEnd);
    }

    [Fact]
    public async Task A_list_of_exactly_the_capacity_is_whole()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 4);
        var userId = Guid.NewGuid();
        var rows = NewestFirst(Enumerable.Range(0, 4).Select(i => Entry(i)));

        await FillAsync(redis.Cache, userId, rows);
        var range = Hit(await ReadAsync(redis.Cache, userId), userId);

        Assert.Equal(Keys(rows), Keys(range.Entries));
        Assert.True(range.ReachesEnd);
    }

    [Fact]
    public async Task Adds_reach_only_cached_lists_and_trimming_keeps_the_newest_capacity()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 5);
        var cached = Guid.NewGuid();
        var notCached = Guid.NewGuid();
        var rows = NewestFirst([Entry(1), Entry(2), Entry(3)]);
        await FillAsync(redis.Cache, cached, rows);

        var added = Enumerable.Range(10, 4).Select(i => Entry(i)).ToList();
        foreach (var entry in added)
        {
            await redis.Cache.AddAsync(CachedList.Timeline, [cached, notCached], entry, Ct);
        }

        var range = Hit(await ReadAsync(redis.Cache, cached), cached);
        Assert.Equal(Keys(NewestFirst(rows.Concat(added)).Take(5)), Keys(range.Entries));
        Assert.False(range.ReachesEnd);
        Assert.Equal(6, await redis.Db.SortedSetLengthAsync(redis.TimelineKey(cached))); // five entries and the marker
        Assert.False(await redis.Db.KeyExistsAsync(redis.TimelineKey(notCached)));
    }

    [Fact]
    public async Task A_refill_that_finds_more_than_the_capacity_no_longer_claims_the_whole_list()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 3);
        var userId = Guid.NewGuid();
        var backfilled = Entry(1);
        var rows = NewestFirst([Entry(2), Entry(3)]);
        await FillAsync(redis.Cache, userId, rows);
        // The write of an older row was missed (then the version renewed, here by a restarted process).
        var newest = Entry(4);
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], newest, Ct);
        using var restarted = redis.Sibling();

        await FillAsync(restarted.Cache, userId, NewestFirst(rows.Append(newest).Append(backfilled)));

        var range = Hit(await ReadAsync(restarted.Cache, userId), userId);
        Assert.Equal(Keys(NewestFirst(rows.Append(newest))), Keys(range.Entries));
        Assert.False(range.ReachesEnd);
    }

    [Fact]
    public async Task Adding_the_same_entry_twice_keeps_one()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var userId = Guid.NewGuid();
        await FillAsync(redis.Cache, userId, []);
        var entry = Entry(5);

        await redis.Cache.AddAsync(CachedList.Timeline, [userId], entry, Ct);
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], entry, Ct);

        Assert.Equal([entry.Key], Keys(Hit(await ReadAsync(redis.Cache, userId), userId).Entries));
    }

    [Fact]
    public async Task An_entry_older_than_a_capped_window_is_left_to_the_store()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 3);
        var (userId, rows) = await SixEntriesInAFullWindowAsync(redis);

        // Written late (a backfill): older than the oldest cached entry (also by post_id within its
        // millisecond), so adding it would leave a gap above it: the store has the entries in between.
        var old = Entry(5);
        var tiedBelow = Entry(30, Guid.Empty);
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], old, Ct);
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], tiedBelow, Ct);
        // Same millisecond as the oldest cached entry but a larger post_id: newer, so inside the window.
        var tiedAbove = Entry(30, Guid.AllBitsSet);
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], tiedAbove, Ct);

        var range = Hit(await ReadAsync(redis.Cache, userId), userId);
        Assert.Equal(Keys([rows[0], rows[1], tiedAbove]), Keys(range.Entries));
        Assert.False(range.ReachesEnd);
    }

    [Fact]
    public async Task An_entry_a_full_window_already_holds_changes_nothing()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 3);
        var (userId, rows) = await SixEntriesInAFullWindowAsync(redis);

        // A fan-out step repeated after a crash adds what the window has: its oldest entry must stay.
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], rows[1], Ct);

        Assert.Equal(Keys(rows.Take(3)), Keys(Hit(await ReadAsync(redis.Cache, userId), userId).Entries));
    }

    [Fact]
    public async Task An_entry_older_than_a_window_shrunk_by_a_deletion_is_left_to_the_store()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 3);
        var (userId, rows) = await SixEntriesInAFullWindowAsync(redis);
        await redis.Cache.RemoveAsync(CachedList.Timeline, [userId], rows[0], Ct);

        // Two entries left, below the capacity but not the whole list: one older than both is not added.
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], Entry(5), Ct);
        var newer = Entry(100);
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], newer, Ct);

        var range = Hit(await ReadAsync(redis.Cache, userId), userId);
        Assert.Equal(Keys([newer, rows[1], rows[2]]), Keys(range.Entries));
        Assert.False(range.ReachesEnd);
    }

    [Fact]
    public async Task A_window_that_deletions_emptied_is_dropped_by_the_next_add_and_refilled_from_the_store()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 2);
        var userId = Guid.NewGuid();
        var rows = NewestFirst(Enumerable.Range(0, 5).Select(i => Entry(10 * i))); // 40, 30, 20, 10, 0
        await FillAsync(redis.Cache, userId, rows); // the window: 40 and 30, without "end"
        await redis.Cache.RemoveAsync(CachedList.Timeline, [userId], rows[0], Ct);
        await redis.Cache.RemoveAsync(CachedList.Timeline, [userId], rows[1], Ct);

        // A late fan-out of a post older than the store's newest rows (20 and 10): the empty window cannot
        // tell where it belongs, and holding it alone would hide those rows from every page.
        var late = Entry(5);
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], late, Ct);

        var store = NewestFirst(rows.Skip(2).Append(late)); // 20, 10, 5, 0
        await FillAsync(redis.Cache, userId, store);
        var range = Hit(await ReadAsync(redis.Cache, userId), userId);
        Assert.Equal(Keys(store.Take(2)), Keys(range.Entries));
        Assert.False(range.ReachesEnd);
    }

    [Fact]
    public async Task An_entry_older_than_everything_joins_a_whole_list()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 5);
        var userId = Guid.NewGuid();
        var rows = NewestFirst([Entry(10), Entry(20)]);
        await FillAsync(redis.Cache, userId, rows);
        var old = Entry(1);

        await redis.Cache.AddAsync(CachedList.Timeline, [userId], old, Ct);

        var range = Hit(await ReadAsync(redis.Cache, userId), userId);
        Assert.Equal(Keys(NewestFirst(rows.Append(old))), Keys(range.Entries));
        Assert.True(range.ReachesEnd);
    }

    [Fact]
    public async Task Entries_written_while_a_list_is_being_filled_are_kept()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var userId = Guid.NewGuid();
        var read = await ReadAsync(redis.Cache, userId);
        var storeRows = NewestFirst([Entry(1), Entry(2)]);

        // Written to the store after the reader read it, then to the (still filling) cache.
        var late = Entry(3);
        await redis.Cache.AddAsync(CachedList.Timeline, [userId], late, Ct);
        await redis.Cache.FillAsync(CachedList.Timeline, read.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [userId] = storeRows }, Ct);

        Assert.Equal(Keys(NewestFirst(storeRows.Append(late))), Keys(Hit(await ReadAsync(redis.Cache, userId), userId).Entries));
    }

    [Fact]
    public async Task A_fill_is_ignored_when_the_list_was_dropped_and_restarted_meanwhile()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var userId = Guid.NewGuid();
        var slowReader = await ReadAsync(redis.Cache, userId);
        await redis.Db.KeyDeleteAsync(redis.TimelineKey(userId)); // flushed or evicted
        var fastReader = await ReadAsync(redis.Cache, userId);

        // A write while nothing was cached was not added; the slow reader's rows predate it.
        await redis.Cache.FillAsync(CachedList.Timeline, slowReader.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [userId] = [] }, Ct);
        var afterSlowFill = await ReadAsync(redis.Cache, userId);
        var current = NewestFirst([Entry(1)]);
        await redis.Cache.FillAsync(CachedList.Timeline, fastReader.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [userId] = current }, Ct);

        Assert.Empty(afterSlowFill.Hits);
        Assert.Equal(Keys(current), Keys(Hit(await ReadAsync(redis.Cache, userId), userId).Entries));
    }

    [Fact]
    public async Task A_read_that_finds_its_list_filled_meanwhile_under_the_current_version_gets_no_permission_to_fill_it()
    {
        var hook = new ScriptHook();
        using var redis = RedisTestCache.On(hook.Wrap(await RedisTestCache.SharedRedisAsync()), cacheSize: 3);
        var userId = Guid.NewGuid();
        List<TimelineEntry> before = [Entry(100), Entry(90)];
        List<TimelineEntry> after = [.. before, Entry(80), Entry(70), Entry(60)];

        // The read finds no list; another reader fills it before this read's fill-marker script runs, so the
        // script answers that fill's marker.
        hook.Before(RedisTimelineScripts.PlaceFillMarkers, () => FillAsync(redis.Cache, userId, before));
        var late = await ReadAsync(redis.Cache, userId);

        // The store changes (rows older than the list's, say): the list is dropped, then refilled by another reader.
        await redis.Cache.DropAsync(CachedList.Timeline, [userId], Ct);
        await FillAsync(redis.Cache, userId, after);
        // The late read fills from its earlier store read: it must not find the refilled list's marker its own.
        await redis.Cache.FillAsync(CachedList.Timeline, late.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [userId] = before }, Ct);

        var range = Hit(await ReadAsync(redis.Cache, userId), userId);
        Assert.False(range.ReachesEnd, "the cached list claims to be whole: the rows at 70 and 60 would never be read");
        Assert.Equal(Keys(after.Take(3)), Keys(range.Entries));
        Assert.DoesNotContain(userId, late.Fill!.Expected.Keys);
    }

    [Fact]
    public async Task A_fill_of_a_stale_list_is_refused_when_a_reader_under_the_old_version_dropped_and_refilled_it_meanwhile()
    {
        var hook = new ScriptHook();
        using var redis = RedisTestCache.On(hook.Wrap(await RedisTestCache.SharedRedisAsync()));
        var userId = Guid.NewGuid();
        var kept = Entry(100);
        var removed = Entry(90);
        await ReadAsync(redis.Cache, Guid.NewGuid()); // sets the version, V0
        CachedRanges? underNewVersion = null;

        // The old reader's batch read V0 and found no list. Before its fill-marker script runs: the list is
        // filled under V0, the version is renewed (another process's lost write), a reader under the new one
        // finds the list stale and reads the store (both rows), and the store loses a row, which drops the list.
        hook.Before(RedisTimelineScripts.PlaceFillMarkers, async () =>
        {
            await FillAsync(redis.Cache, userId, [kept, removed]);
            await redis.Db.StringSetAsync(redis.VersionKey, Guid.NewGuid().ToString("N"));
            underNewVersion = await ReadAsync(redis.Cache, userId);
            await redis.Cache.DropAsync(CachedList.Timeline, [userId], Ct);
        });
        var oldReader = await ReadAsync(redis.Cache, userId);

        // The old reader refills the list from the store as it is now, under V0; then the new reader's fill
        // arrives with its rows from before the removal. It expects the marker of the list's fill under V0:
        // a refill under V0 must not look like that fill.
        await redis.Cache.FillAsync(CachedList.Timeline, oldReader.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [userId] = [kept] }, Ct);
        Assert.Empty(Assert.IsType<CachedRanges>(underNewVersion).Hits);
        await redis.Cache.FillAsync(CachedList.Timeline, underNewVersion.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [userId] = [kept, removed] }, Ct);

        // The list is the old reader's, stale under the new version: a miss, refilled from the store.
        var read = await ReadAsync(redis.Cache, userId);
        Assert.False(read.Hits.ContainsKey(userId), "the new reader's fill took the refilled list: the removed row is cached again");
        await redis.Cache.FillAsync(CachedList.Timeline, read.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [userId] = [kept] }, Ct);
        Assert.Equal([kept.Key], Keys(Hit(await ReadAsync(redis.Cache, userId), userId).Entries));
    }

    [Fact]
    public async Task A_filled_short_list_stays_a_listpack_its_marker_within_the_member_size_limit()
    {
        // docs/scaling.md counts a 100-entry list at 42.8 bytes an entry (listpack) and advises
        // zset-max-listpack-entries 1024 for the 800-entry window. Redis keeps a sorted set a listpack only
        // while every member is at most zset-max-listpack-value bytes (64 by default): the marker too.
        using var redis = await RedisTestCache.CreateAsync();
        var userId = Guid.NewGuid();
        await FillAsync(redis.Cache, userId, NewestFirst(Enumerable.Range(0, 5).Select(i => Entry(i * 10))));
        Hit(await ReadAsync(redis.Cache, userId), userId);

        var marker = (await redis.Db.SortedSetRangeByRankAsync(redis.TimelineKey(userId), 0, 0, Order.Descending))[0];
        var limit = long.Parse((await redis.Redis.GetServers()[0].ConfigGetAsync("zset-max-listpack-value"))[0].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(((byte[])marker!).Length <= limit, $"the marker '{marker}' is {((byte[])marker!).Length} bytes, over zset-max-listpack-value ({limit})");
        var encoding = (string?)await redis.Db.ExecuteAsync("OBJECT", "ENCODING", redis.TimelineKey(userId));
        Assert.Contains(encoding, new[] { "listpack", "ziplist" });
    }

    [Fact]
    public async Task Influencer_posts_carry_their_influencer_and_a_deleted_post_leaves_them()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var influencer = Guid.NewGuid();
        var rows = NewestFirst(Enumerable.Range(0, 3).Select(i => Entry(i, authorId: influencer)));
        await FillAsync(redis.Cache, influencer, rows, CachedList.InfluencerPosts);

        await redis.Cache.RemovePostAsync(influencer, rows[1].PostId, Ct);

        var range = Hit(await ReadAsync(redis.Cache, influencer, list: CachedList.InfluencerPosts), influencer);
        Assert.Equal([rows[0], rows[2]], range.Entries);
        Assert.True(range.ReachesEnd);
    }

    [Fact]
    public async Task Several_lists_are_read_in_one_call_hits_and_misses_apart()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var cached = Guid.NewGuid();
        var missing = Guid.NewGuid();
        var rows = NewestFirst([Entry(1, authorId: cached)]);
        await FillAsync(redis.Cache, cached, rows, CachedList.InfluencerPosts);

        var read = await redis.Cache.ReadAsync(CachedList.InfluencerPosts, [cached, missing], null, 10, Ct);

        Assert.Equal(rows, Hit(read, cached).Entries);
        Assert.Equal([missing], read.Fill!.Expected.Keys);
    }

    [Fact]
    public async Task Post_details_are_cached_and_a_deleted_post_is_never_brought_back()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var post = new TimelinePost(Guid.NewGuid(), Guid.NewGuid(), "https://cdn.example/a|b\"c.jpg", "image", Epoch.AddMilliseconds(123));
        var other = new TimelinePost(Guid.NewGuid(), Guid.NewGuid(), "https://cdn.example/b.jpg", "video", Epoch.AddMilliseconds(7));

        var names = new Dictionary<Guid, string> { [post.AuthorId] = "ada", [other.AuthorId] = "bob" };
        var cold = await redis.Cache.GetPostsAsync([post.PostId, other.PostId], null, Ct);
        await redis.Cache.FillPostsAsync(cold.Fill!, [post, other], names, Ct);
        var warm = await redis.Cache.GetPostsAsync([post.PostId, other.PostId], null, Ct);
        var beforeDelete = await redis.Cache.GetPostsAsync([post.PostId], null, Ct);
        await redis.Cache.RemovePostAsync(post.AuthorId, post.PostId, Ct);
        // A reader that found the post in the store just before the delete fills it afterwards.
        await redis.Cache.FillPostsAsync(beforeDelete.Fill!, [post], names, Ct);
        var afterDelete = await redis.Cache.GetPostsAsync([post.PostId, other.PostId], null, Ct);

        Assert.Empty(cold.Found);
        Assert.Empty(cold.Deleted);
        Assert.Equal(post, warm.Found[post.PostId]);
        Assert.Equal(other, warm.Found[other.PostId]);
        Assert.Equal(names, warm.AuthorNames);
        Assert.Equal([post.PostId], afterDelete.Deleted);
        Assert.Equal([other.PostId], afterDelete.Found.Keys);
    }

    [Fact]
    public async Task A_failed_write_makes_everything_cached_before_it_a_miss()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var reader = Guid.NewGuid();
        var broken = Guid.NewGuid();
        var rows = NewestFirst([Entry(1)]);
        await FillAsync(redis.Cache, reader, rows);
        var post = new TimelinePost(Guid.NewGuid(), Guid.NewGuid(), "https://cdn.example/p.jpg", "image", Epoch);
        var posts = await redis.Cache.GetPostsAsync([post.PostId], null, Ct);
        await redis.Cache.FillPostsAsync(posts.Fill!, [post], new Dictionary<Guid, string> { [post.AuthorId] = "ada" }, Ct);
        var versionBefore = await redis.Db.StringGetAsync(redis.VersionKey);

        // One follower's key is not a sorted set, so this batch fails for them: a missed write.
        await redis.Db.StringSetAsync(redis.TimelineKey(broken), "not a sorted set");
        var added = Entry(2);
        await redis.Cache.AddAsync(CachedList.Timeline, [reader, broken], added, Ct);

        var afterFailure = await ReadAsync(redis.Cache, reader);
        var postAfterFailure = await redis.Cache.GetPostsAsync([post.PostId], null, Ct);
        Assert.NotEqual(versionBefore, await redis.Db.StringGetAsync(redis.VersionKey));
        Assert.Empty(afterFailure.Hits);
        Assert.Empty(postAfterFailure.Found);

        // Refilled from the store, it is trusted again.
        var storeRows = NewestFirst(rows.Append(added));
        await redis.Cache.FillAsync(CachedList.Timeline, afterFailure.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [reader] = storeRows }, Ct);
        Assert.Equal(Keys(storeRows), Keys(Hit(await ReadAsync(redis.Cache, reader), reader).Entries));
    }

    [Fact]
    public async Task A_process_does_not_trust_what_was_cached_before_it_started()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var userId = Guid.NewGuid();
        await FillAsync(redis.Cache, userId, [Entry(1)]);
        Assert.Contains(userId, (await ReadAsync(redis.Cache, userId)).Hits.Keys);

        // A restarted (or another) process may have missed writes it never reported.
        using var restarted = redis.Sibling();

        Assert.Empty((await ReadAsync(restarted.Cache, userId)).Hits);
    }

    [Fact]
    public async Task After_a_flush_everything_is_a_miss_and_fills_again()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var userId = Guid.NewGuid();
        await FillAsync(redis.Cache, userId, [Entry(1)]);

        await redis.ForgetEverythingAsync();
        var afterFlush = await ReadAsync(redis.Cache, userId);
        var rows = NewestFirst([Entry(1), Entry(2)]);
        await redis.Cache.FillAsync(CachedList.Timeline, afterFlush.Fill!, new Dictionary<Guid, IReadOnlyList<TimelineEntry>> { [userId] = rows }, Ct);

        Assert.Empty(afterFlush.Hits);
        Assert.Equal(Keys(rows), Keys(Hit(await ReadAsync(redis.Cache, userId), userId).Entries));
    }

    [Fact]
    public async Task A_lost_connection_makes_everything_cached_before_it_a_miss_once_redis_is_back()
    {
        await using var proxy = new RedisOutageProxy();
        await using var connection = await proxy.ConnectAsync();
        using var redis = RedisTestCache.On(connection);
        var admin = await RedisTestCache.SharedRedisAsync();
        var userId = Guid.NewGuid();
        await FillAsync(redis.Cache, userId, [Entry(1)]);
        var versionBefore = await admin.GetDatabase().StringGetAsync(redis.VersionKey);

        proxy.Cut();
        var duringOutage = await ReadAsync(redis.Cache, userId);
        proxy.Restore();
        await WaitUntilConnectedAsync(connection);
        var afterOutage = await ReadAsync(redis.Cache, userId);

        Assert.Empty(duringOutage.Hits);
        Assert.Null(duringOutage.Fill);
        Assert.Empty(afterOutage.Hits);
        Assert.NotNull(afterOutage.Fill);
        Assert.NotEqual(versionBefore, await admin.GetDatabase().StringGetAsync(redis.VersionKey));
    }

    internal static Task WaitUntilConnectedAsync(IConnectionMultiplexer connection) =>
        Patience.UntilAsync(
            async () =>
            {
                try
                {
                    if (!connection.IsConnected)
                    {
                        return false;
                    }

                    await connection.GetDatabase().PingAsync();
                    return true;
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            },
            "the Redis connection to come back",
            Ct);
}
