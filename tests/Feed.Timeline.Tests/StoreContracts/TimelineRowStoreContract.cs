using Feed.SharedKernel.Paging;
using Feed.Testing;

namespace Feed.Timeline.Tests.StoreContracts;

/// <summary>What every <see cref="ITimelineRowStore"/> adapter must do (the timeline rows); each adapter's test class derives from this.</summary>
public abstract class TimelineRowStoreContract : TimelineStoreContract
{
    [Fact]
    public async Task Timeline_rows_are_written_for_every_user_of_the_batch_and_only_for_them()
    {
        var stores = CreateStores();
        var post = Post(Guid.NewGuid(), 5);
        var followers = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await stores.Rows.AddTimelineRowsAsync(followers, post.ToEntry(), Ct);

        foreach (var follower in followers)
        {
            var rows = await stores.Rows.GetTimelineRowsAsync(follower, null, 10, Ct);
            var row = Assert.Single(rows);
            Assert.Equal(post.PostId, row.PostId);
            Assert.Equal(post.AuthorId, row.AuthorId);
            Assert.Equal(post.CreatedOn, row.CreatedOn);
        }

        Assert.Empty(await stores.Rows.GetTimelineRowsAsync(Guid.NewGuid(), null, 10, Ct));
    }

    [Fact]
    public async Task Writing_timeline_rows_twice_is_harmless()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var post = Post(Guid.NewGuid(), 5);
        await stores.Rows.AddTimelineRowsAsync([user], post.ToEntry(), Ct);
        await stores.Rows.AddTimelineRowsAsync([user, user], post.ToEntry(), Ct);

        var rows = await stores.Rows.GetTimelineRowsAsync(user, null, 10, Ct);

        Assert.Equal(post.PostId, Assert.Single(rows).PostId);
    }

    [Fact]
    public async Task Timeline_rows_read_newest_first_with_ties_broken_by_descending_post_id()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var author = Guid.NewGuid();
        var tied = TiedIds(3);
        var older = Post(author, 1);
        var newer = Post(author, 9);
        // Written out of order on purpose.
        foreach (var post in new[] { older, Post(author, 5, tied[2]), newer, Post(author, 5, tied[0]), Post(author, 5, tied[1]) })
        {
            await stores.Rows.AddTimelineRowsAsync([user], post.ToEntry(), Ct);
        }

        var rows = await stores.Rows.GetTimelineRowsAsync(user, null, 10, Ct);

        Assert.Equal([newer.PostId, tied[0], tied[1], tied[2], older.PostId], rows.Select(row => row.PostId));
    }

    [Fact]
    public async Task Timeline_rows_after_a_cursor_start_strictly_after_it_even_inside_a_tie()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var author = Guid.NewGuid();
        var tied = TiedIds(4);
        foreach (var id in tied)
        {
            await stores.Rows.AddTimelineRowsAsync([user], Post(author, 7, id).ToEntry(), Ct);
        }

        var older = Post(author, 3);
        await stores.Rows.AddTimelineRowsAsync([user], older.ToEntry(), Ct);

        var afterSecond = await stores.Rows.GetTimelineRowsAsync(user, new SequenceKey(Epoch.AddMilliseconds(7), tied[1]), 10, Ct);
        Assert.Equal([tied[2], tied[3], older.PostId], afterSecond.Select(row => row.PostId));

        // A cursor that is not a stored row (e.g. a deleted post's) still positions correctly.
        var between = new SequenceKey(Epoch.AddMilliseconds(5), Guid.NewGuid());
        Assert.Equal([older.PostId], (await stores.Rows.GetTimelineRowsAsync(user, between, 10, Ct)).Select(row => row.PostId));

        Assert.Empty(await stores.Rows.GetTimelineRowsAsync(user, older.Key, 10, Ct));
    }

    /// <summary>
    /// The merge orders ties with <see cref="Guid.CompareTo(Guid)"/>, so a store must order and
    /// compare ids exactly that way. Each id is zero but for one byte, placed first or last in each
    /// group of the written form, or a high bit: a store comparing the little-endian byte array,
    /// signed bytes or signed groups, or text in another collation, gets some pair the other way round.
    /// </summary>
    [Fact]
    public async Task Ties_are_ordered_and_paged_like_guid_compare_to_whichever_byte_differs()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var influencer = Guid.NewGuid();
        Guid[] ids =
        [
            new("00000000-0000-0000-0000-000000000001"), new("00000000-0000-0000-0000-000000000080"),
            new("00000000-0000-0000-0000-010000000000"), new("00000000-0000-0000-0001-000000000000"),
            new("00000000-0000-0000-0100-000000000000"), new("00000000-0000-0000-8000-000000000000"),
            new("00000000-0000-0001-0000-000000000000"), new("00000000-0000-0100-0000-000000000000"),
            new("00000000-0001-0000-0000-000000000000"), new("00000000-0100-0000-0000-000000000000"),
            new("00000001-0000-0000-0000-000000000000"), new("01000000-0000-0000-0000-000000000000"),
            new("7fffffff-ffff-ffff-ffff-ffffffffffff"), new("80000000-0000-0000-0000-000000000000"),
        ];
        foreach (var id in ids.Reverse())
        {
            var entry = Post(influencer, 5, id).ToEntry();
            await stores.Rows.AddTimelineRowsAsync([user], entry, Ct);
            await stores.Posts.AddInfluencerPostAsync(entry, Ct);
        }

        var expected = ids.OrderDescending().ToList();
        Assert.Equal(expected, (await stores.Rows.GetTimelineRowsAsync(user, null, 100, Ct)).Select(row => row.PostId));
        Assert.Equal(expected, (await stores.Posts.GetInfluencerPostsAsync([influencer], null, 100, Ct))[influencer].Select(entry => entry.PostId));

        // One at a time from each cursor: the "strictly after" comparison must agree with the order.
        var pagedRows = new List<Guid>();
        var pagedInfluencerPosts = new List<Guid>();
        SequenceKey? cursor = null;
        for (var i = 0; i <= ids.Length; i++)
        {
            var rows = await stores.Rows.GetTimelineRowsAsync(user, cursor, 1, Ct);
            var posts = await stores.Posts.GetInfluencerPostsAsync([influencer], cursor, 1, Ct);
            if (rows.Count == 0)
            {
                Assert.True(!posts.TryGetValue(influencer, out var none) || none.Count == 0);
                break;
            }

            pagedRows.Add(rows[0].PostId);
            pagedInfluencerPosts.Add(Assert.Single(posts[influencer]).PostId);
            cursor = rows[0].Key;
        }

        Assert.Equal(expected, pagedRows);
        Assert.Equal(expected, pagedInfluencerPosts);
    }

    [Fact]
    public async Task Timeline_rows_are_limited()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var posts = Enumerable.Range(0, 6).Select(i => Post(Guid.NewGuid(), i)).ToList();
        foreach (var post in posts)
        {
            await stores.Rows.AddTimelineRowsAsync([user], post.ToEntry(), Ct);
        }

        var rows = await stores.Rows.GetTimelineRowsAsync(user, null, 4, Ct);
        var next = await stores.Rows.GetTimelineRowsAsync(user, rows[^1].Key, 4, Ct);

        Assert.Equal(posts.AsEnumerable().Reverse().Take(4).Select(post => post.PostId), rows.Select(row => row.PostId));
        Assert.Equal([posts[1].PostId, posts[0].PostId], next.Select(row => row.PostId));
    }

    [Fact]
    public async Task Concurrent_writes_all_land()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var influencer = Guid.NewGuid();
        var posts = Enumerable.Range(0, 400).Select(i => Post(influencer, i % 7)).ToList();

        await Parallel.ForEachAsync(posts, Ct, async (post, ct) =>
        {
            await stores.Posts.SavePostAsync(post, ct);
            await stores.Rows.AddTimelineRowsAsync([user], post.ToEntry(), ct);
            await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), ct);
        });

        var expected = PageOrder.NewestFirst(posts, post => post.CreatedOn, post => post.PostId).Select(post => post.PostId).ToList();
        Assert.Equal(expected, (await stores.Rows.GetTimelineRowsAsync(user, null, 1000, Ct)).Select(row => row.PostId));
        Assert.Equal(expected, (await stores.Posts.GetInfluencerPostsAsync([influencer], null, 1000, Ct))[influencer].Select(entry => entry.PostId));
        Assert.Equal(posts.Count, (await stores.Posts.GetPostsAsync(posts.Select(post => post.PostId).ToList(), Ct)).Count);
    }

    [Fact]
    public async Task Many_entries_are_written_into_one_timeline_once_each_in_page_order()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var other = Guid.NewGuid();
        var tied = TiedIds(3);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var posts = new[] { Post(first, 3), Post(second, 9, tied[2]), Post(first, 9, tied[0]), Post(second, 1), Post(first, 9, tied[1]) };
        var existing = Post(second, 5);
        await stores.Rows.AddTimelineRowsAsync([user], existing.ToEntry(), Ct);

        await stores.Rows.AddTimelineEntriesAsync(user, [.. posts.Select(post => post.ToEntry()), existing.ToEntry()], Ct);
        // A repeated backfill, overlapping, with a duplicate inside it.
        await stores.Rows.AddTimelineEntriesAsync(user, [posts[0].ToEntry(), posts[0].ToEntry(), posts[3].ToEntry()], Ct);
        await stores.Rows.AddTimelineEntriesAsync(user, [], Ct);

        var rows = await stores.Rows.GetTimelineRowsAsync(user, null, 100, Ct);
        Assert.Equal(TimelineWorldOrder(posts.Append(existing)), rows.Select(row => row.PostId));
        Assert.Equal(posts.Append(existing).ToDictionary(post => post.PostId, post => post.AuthorId), rows.ToDictionary(row => row.PostId, row => row.AuthorId));
        Assert.Empty(await stores.Rows.GetTimelineRowsAsync(other, null, 100, Ct));
    }

    [Fact]
    public async Task Removing_a_post_s_rows_takes_exactly_that_key_from_exactly_those_users()
    {
        var stores = CreateStores();
        var author = Guid.NewGuid();
        var users = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var tied = TiedIds(2);
        var removed = Post(author, 7, tied[0]);
        var sameMillisecond = Post(author, 7, tied[1]);
        var older = Post(author, 2);
        foreach (var post in new[] { removed, sameMillisecond, older })
        {
            await stores.Rows.AddTimelineRowsAsync(users, post.ToEntry(), Ct);
        }

        // users[3] keeps its row; a user without the row and an unknown user are ignored.
        await stores.Rows.RemoveTimelineRowsAsync([users[0], users[1], users[2], users[1], Guid.NewGuid()], removed.ToEntry(), Ct);
        await stores.Rows.RemoveTimelineRowsAsync([users[0]], removed.ToEntry(), Ct);
        await stores.Rows.RemoveTimelineRowsAsync([], removed.ToEntry(), Ct);

        foreach (var user in users[..3])
        {
            Assert.Equal([sameMillisecond.PostId, older.PostId], (await stores.Rows.GetTimelineRowsAsync(user, null, 10, Ct)).Select(row => row.PostId));
        }

        Assert.Equal([removed.PostId, sameMillisecond.PostId, older.PostId], (await stores.Rows.GetTimelineRowsAsync(users[3], null, 10, Ct)).Select(row => row.PostId));
    }

    [Fact]
    public async Task Removing_an_author_s_rows_keeps_the_other_authors_and_the_other_users()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var other = Guid.NewGuid();
        var unfollowed = Guid.NewGuid();
        var kept = Guid.NewGuid();
        var unfollowedPosts = Enumerable.Range(0, 5).Select(i => Post(unfollowed, i * 2)).ToList();
        var keptPosts = Enumerable.Range(0, 5).Select(i => Post(kept, (i * 2) + 1)).ToList();
        foreach (var post in unfollowedPosts.Concat(keptPosts))
        {
            await stores.Rows.AddTimelineRowsAsync([user, other], post.ToEntry(), Ct);
        }

        await stores.Rows.RemoveAuthorTimelineRowsAsync(user, unfollowed, Ct);
        await stores.Rows.RemoveAuthorTimelineRowsAsync(user, unfollowed, Ct);
        await stores.Rows.RemoveAuthorTimelineRowsAsync(Guid.NewGuid(), unfollowed, Ct);

        Assert.Equal(TimelineWorldOrder(keptPosts), (await stores.Rows.GetTimelineRowsAsync(user, null, 100, Ct)).Select(row => row.PostId));
        Assert.Equal(TimelineWorldOrder(unfollowedPosts.Concat(keptPosts)), (await stores.Rows.GetTimelineRowsAsync(other, null, 100, Ct)).Select(row => row.PostId));
    }

    [Fact]
    public async Task Fan_out_writes_rows_only_for_active_readers_and_names_them_including_those_who_had_the_row()
    {
        var stores = CreateStores();
        var (active, hadRow, inactive, never) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var limit = ReadEpoch.AddDays(-14);
        foreach (var (user, readOn) in new[] { (active, ReadEpoch), (hadRow, limit), (inactive, limit.AddMilliseconds(-1)) })
        {
            await stores.Readers.StartRebuildAsync(user, readOn, Ct);
            await stores.Readers.CompleteRebuildAsync(user, readOn, Ct);
        }

        var entry = Post(Guid.NewGuid(), 7).ToEntry();
        await stores.Rows.AddTimelineRowsAsync([hadRow], entry, Ct);

        var written = await stores.Rows.AddActiveTimelineRowsAsync([never, inactive, hadRow, active, active], entry, limit, Ct);
        var again = await stores.Rows.AddActiveTimelineRowsAsync([active], entry, limit, Ct);

        Assert.Equal(new[] { active, hadRow }.Order(), written.Order());
        Assert.Equal([active], again);
        Assert.Empty(await stores.Rows.AddActiveTimelineRowsAsync([], entry, limit, Ct));
        foreach (var user in new[] { active, hadRow })
        {
            Assert.Equal(entry.Key, Assert.Single(await stores.Rows.GetTimelineRowsAsync(user, null, 10, Ct)).Key);
        }

        Assert.Empty(await stores.Rows.GetTimelineRowsAsync(inactive, null, 10, Ct));
        Assert.Empty(await stores.Rows.GetTimelineRowsAsync(never, null, 10, Ct));
    }
}
