using Feed.SharedKernel.Paging;
using Feed.Testing;

namespace Feed.Timeline.Tests;

/// <summary>
/// What every <see cref="ITimelineStore"/> adapter must do. Each adapter's test class derives from
/// this and supplies a fresh, empty store.
/// </summary>
public abstract partial class TimelineStoreContract
{
    private static readonly DateTimeOffset Epoch = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract ITimelineStore CreateStore();

    private static TimelinePost Post(Guid authorId, long millis, Guid? postId = null) =>
        new(postId ?? Guid.NewGuid(), authorId, $"https://cdn.example/{Guid.NewGuid():N}.jpg", "image", Epoch.AddMilliseconds(millis));

    /// <summary>Ids sharing one millisecond, listed in page order (descending id).</summary>
    private static Guid[] TiedIds(int count) =>
        Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).OrderDescending().ToArray();

    [Fact]
    public async Task Saved_posts_are_read_back_and_unknown_ids_are_absent()
    {
        var store = CreateStore();
        var author = Guid.NewGuid();
        var first = Post(author, 1);
        var second = Post(author, 2);
        await store.SavePostAsync(first, Ct);
        await store.SavePostAsync(second, Ct);

        var found = await store.GetPostsAsync([first.PostId, second.PostId, Guid.NewGuid()], Ct);

        Assert.Equal(2, found.Count);
        Assert.Equal(first, found[first.PostId]);
        Assert.Equal(second, found[second.PostId]);
    }

    [Fact]
    public async Task Saving_a_post_again_keeps_one_copy()
    {
        var store = CreateStore();
        var post = Post(Guid.NewGuid(), 1);
        await store.SavePostAsync(post, Ct);
        await store.SavePostAsync(post, Ct);

        var found = await store.GetPostsAsync([post.PostId], Ct);

        Assert.Equal(post, Assert.Single(found).Value);
    }

    [Fact]
    public async Task Timeline_rows_are_written_for_every_user_of_the_batch_and_only_for_them()
    {
        var store = CreateStore();
        var post = Post(Guid.NewGuid(), 5);
        var followers = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await store.AddTimelineRowsAsync(followers, post.ToEntry(), Ct);

        foreach (var follower in followers)
        {
            var rows = await store.GetTimelineRowsAsync(follower, null, 10, Ct);
            var row = Assert.Single(rows);
            Assert.Equal(post.PostId, row.PostId);
            Assert.Equal(post.AuthorId, row.AuthorId);
            Assert.Equal(post.CreatedOn, row.CreatedOn);
        }

        Assert.Empty(await store.GetTimelineRowsAsync(Guid.NewGuid(), null, 10, Ct));
    }

    [Fact]
    public async Task Writing_timeline_rows_twice_is_harmless()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();
        var post = Post(Guid.NewGuid(), 5);
        await store.AddTimelineRowsAsync([user], post.ToEntry(), Ct);
        await store.AddTimelineRowsAsync([user, user], post.ToEntry(), Ct);

        var rows = await store.GetTimelineRowsAsync(user, null, 10, Ct);

        Assert.Equal(post.PostId, Assert.Single(rows).PostId);
    }

    [Fact]
    public async Task Timeline_rows_read_newest_first_with_ties_broken_by_descending_post_id()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();
        var author = Guid.NewGuid();
        var tied = TiedIds(3);
        var older = Post(author, 1);
        var newer = Post(author, 9);
        // Written out of order on purpose.
        foreach (var post in new[] { older, Post(author, 5, tied[2]), newer, Post(author, 5, tied[0]), Post(author, 5, tied[1]) })
        {
            await store.AddTimelineRowsAsync([user], post.ToEntry(), Ct);
        }

        var rows = await store.GetTimelineRowsAsync(user, null, 10, Ct);

        Assert.Equal([newer.PostId, tied[0], tied[1], tied[2], older.PostId], rows.Select(row => row.PostId));
    }

    [Fact]
    public async Task Timeline_rows_after_a_cursor_start_strictly_after_it_even_inside_a_tie()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();
        var author = Guid.NewGuid();
        var tied = TiedIds(4);
        foreach (var id in tied)
        {
            await store.AddTimelineRowsAsync([user], Post(author, 7, id).ToEntry(), Ct);
        }

        var older = Post(author, 3);
        await store.AddTimelineRowsAsync([user], older.ToEntry(), Ct);

        var afterSecond = await store.GetTimelineRowsAsync(user, new SequenceKey(Epoch.AddMilliseconds(7), tied[1]), 10, Ct);
        Assert.Equal([tied[2], tied[3], older.PostId], afterSecond.Select(row => row.PostId));

        // A cursor that is not a stored row (e.g. a deleted post's) still positions correctly.
        var between = new SequenceKey(Epoch.AddMilliseconds(5), Guid.NewGuid());
        Assert.Equal([older.PostId], (await store.GetTimelineRowsAsync(user, between, 10, Ct)).Select(row => row.PostId));

        Assert.Empty(await store.GetTimelineRowsAsync(user, older.Key, 10, Ct));
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
        var store = CreateStore();
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
            await store.AddTimelineRowsAsync([user], entry, Ct);
            await store.AddInfluencerPostAsync(entry, Ct);
        }

        var expected = ids.OrderDescending().ToList();
        Assert.Equal(expected, (await store.GetTimelineRowsAsync(user, null, 100, Ct)).Select(row => row.PostId));
        Assert.Equal(expected, (await store.GetInfluencerPostsAsync([influencer], null, 100, Ct))[influencer].Select(entry => entry.PostId));

        // One at a time from each cursor: the "strictly after" comparison must agree with the order.
        var pagedRows = new List<Guid>();
        var pagedInfluencerPosts = new List<Guid>();
        SequenceKey? cursor = null;
        for (var i = 0; i <= ids.Length; i++)
        {
            var rows = await store.GetTimelineRowsAsync(user, cursor, 1, Ct);
            var posts = await store.GetInfluencerPostsAsync([influencer], cursor, 1, Ct);
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
        var store = CreateStore();
        var user = Guid.NewGuid();
        var posts = Enumerable.Range(0, 6).Select(i => Post(Guid.NewGuid(), i)).ToList();
        foreach (var post in posts)
        {
            await store.AddTimelineRowsAsync([user], post.ToEntry(), Ct);
        }

        var rows = await store.GetTimelineRowsAsync(user, null, 4, Ct);
        var next = await store.GetTimelineRowsAsync(user, rows[^1].Key, 4, Ct);

        Assert.Equal(posts.AsEnumerable().Reverse().Take(4).Select(post => post.PostId), rows.Select(row => row.PostId));
        Assert.Equal([posts[1].PostId, posts[0].PostId], next.Select(row => row.PostId));
    }

    [Fact]
    public async Task Influencer_posts_are_read_per_influencer_with_a_per_influencer_limit_in_one_call()
    {
        var store = CreateStore();
        var busy = Guid.NewGuid();
        var quiet = Guid.NewGuid();
        var silent = Guid.NewGuid();
        var busyPosts = Enumerable.Range(0, 5).Select(i => Post(busy, 100 + i)).ToList();
        var quietPost = Post(quiet, 1);
        foreach (var post in busyPosts.Append(quietPost))
        {
            await store.AddInfluencerPostAsync(post.ToEntry(), Ct);
        }

        var read = await store.GetInfluencerPostsAsync([busy, quiet, silent], null, 3, Ct);

        Assert.Equal([busyPosts[4].PostId, busyPosts[3].PostId, busyPosts[2].PostId], read[busy].Select(entry => entry.PostId));
        Assert.All(read[busy], entry => Assert.Equal(busy, entry.AuthorId));
        Assert.Equal([quietPost.PostId], read[quiet].Select(entry => entry.PostId));
        Assert.True(!read.TryGetValue(silent, out var none) || none.Count == 0);
    }

    [Fact]
    public async Task Influencer_posts_after_a_cursor_start_strictly_after_it_for_every_influencer()
    {
        var store = CreateStore();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var tied = TiedIds(4);
        // Both influencers posted in the same millisecond: ids interleave across them.
        await store.AddInfluencerPostAsync(Post(first, 50, tied[0]).ToEntry(), Ct);
        await store.AddInfluencerPostAsync(Post(second, 50, tied[1]).ToEntry(), Ct);
        await store.AddInfluencerPostAsync(Post(first, 50, tied[2]).ToEntry(), Ct);
        await store.AddInfluencerPostAsync(Post(second, 50, tied[3]).ToEntry(), Ct);
        var firstOld = Post(first, 10);
        await store.AddInfluencerPostAsync(firstOld.ToEntry(), Ct);

        var read = await store.GetInfluencerPostsAsync([first, second], new SequenceKey(Epoch.AddMilliseconds(50), tied[1]), 10, Ct);

        Assert.Equal([tied[2], firstOld.PostId], read[first].Select(entry => entry.PostId));
        Assert.Equal([tied[3]], read[second].Select(entry => entry.PostId));
    }

    [Fact]
    public async Task Writing_an_influencer_post_twice_is_harmless()
    {
        var store = CreateStore();
        var influencer = Guid.NewGuid();
        var post = Post(influencer, 1);
        await store.AddInfluencerPostAsync(post.ToEntry(), Ct);
        await store.AddInfluencerPostAsync(post.ToEntry(), Ct);

        var read = await store.GetInfluencerPostsAsync([influencer], null, 10, Ct);

        Assert.Equal(post.PostId, Assert.Single(read[influencer]).PostId);
    }

    [Fact]
    public async Task Only_authors_with_influencer_posts_are_pulled()
    {
        var store = CreateStore();
        var influencer = Guid.NewGuid();
        var ordinary = Guid.NewGuid();
        await store.AddInfluencerPostAsync(Post(influencer, 1).ToEntry(), Ct);
        await store.AddTimelineRowsAsync([Guid.NewGuid()], Post(ordinary, 1).ToEntry(), Ct);

        var pulled = await store.GetAuthorsWithInfluencerPostsAsync([influencer, ordinary, Guid.NewGuid()], Ct);

        Assert.Equal([influencer], pulled);
    }

    [Fact]
    public async Task Removing_a_post_removes_it_from_the_read_model_and_influencer_posts_but_not_from_rows()
    {
        var store = CreateStore();
        var influencer = Guid.NewGuid();
        var reader = Guid.NewGuid();
        var removed = Post(influencer, 2);
        var kept = Post(influencer, 1);
        foreach (var post in new[] { removed, kept })
        {
            await store.SavePostAsync(post, Ct);
            await store.AddInfluencerPostAsync(post.ToEntry(), Ct);
        }

        await store.AddTimelineRowsAsync([reader], removed.ToEntry(), Ct);

        await store.RemovePostAsync(influencer, removed.PostId, Ct);

        Assert.Equal([kept.PostId], (await store.GetPostsAsync([removed.PostId, kept.PostId], Ct)).Keys);
        Assert.Equal([kept.PostId], (await store.GetInfluencerPostsAsync([influencer], null, 10, Ct))[influencer].Select(entry => entry.PostId));
        // Rows are dropped at read time by the merge, which finds no post for them.
        Assert.Equal([removed.PostId], (await store.GetTimelineRowsAsync(reader, null, 10, Ct)).Select(row => row.PostId));
    }

    [Fact]
    public async Task An_author_whose_last_influencer_post_is_removed_is_no_longer_pulled()
    {
        var store = CreateStore();
        var influencer = Guid.NewGuid();
        var post = Post(influencer, 1);
        await store.SavePostAsync(post, Ct);
        await store.AddInfluencerPostAsync(post.ToEntry(), Ct);

        await store.RemovePostAsync(influencer, post.PostId, Ct);
        await store.RemovePostAsync(influencer, post.PostId, Ct);

        Assert.Empty(await store.GetAuthorsWithInfluencerPostsAsync([influencer], Ct));
        var read = await store.GetInfluencerPostsAsync([influencer], null, 10, Ct);
        Assert.True(!read.TryGetValue(influencer, out var none) || none.Count == 0);
    }

    [Fact]
    public async Task Removing_an_influencer_post_missing_from_the_read_model_still_removes_it()
    {
        var store = CreateStore();
        var influencer = Guid.NewGuid();
        var post = Post(influencer, 1);
        await store.AddInfluencerPostAsync(post.ToEntry(), Ct);

        await store.RemovePostAsync(influencer, post.PostId, Ct);

        Assert.Empty(await store.GetAuthorsWithInfluencerPostsAsync([influencer], Ct));
    }

    [Fact]
    public async Task Concurrent_writes_all_land()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();
        var influencer = Guid.NewGuid();
        var posts = Enumerable.Range(0, 400).Select(i => Post(influencer, i % 7)).ToList();

        await Parallel.ForEachAsync(posts, Ct, async (post, ct) =>
        {
            await store.SavePostAsync(post, ct);
            await store.AddTimelineRowsAsync([user], post.ToEntry(), ct);
            await store.AddInfluencerPostAsync(post.ToEntry(), ct);
        });

        var expected = PageOrder.NewestFirst(posts, post => post.CreatedOn, post => post.PostId).Select(post => post.PostId).ToList();
        Assert.Equal(expected, (await store.GetTimelineRowsAsync(user, null, 1000, Ct)).Select(row => row.PostId));
        Assert.Equal(expected, (await store.GetInfluencerPostsAsync([influencer], null, 1000, Ct))[influencer].Select(entry => entry.PostId));
        Assert.Equal(posts.Count, (await store.GetPostsAsync(posts.Select(post => post.PostId).ToList(), Ct)).Count);
    }
}

/// <summary>Fan-out progress: where an interrupted fan-out resumes.</summary>
public abstract partial class TimelineStoreContract
{
    [Fact]
    public async Task Fan_out_progress_is_kept_per_post_until_the_fan_out_is_done()
    {
        var store = CreateStore();
        var post = Guid.NewGuid();
        var other = Guid.NewGuid();
        Assert.Null(await store.GetFanOutProgressAsync(post, Ct));

        await store.SaveFanOutProgressAsync(post, "after-batch-1", Ct);
        await store.SaveFanOutProgressAsync(other, "elsewhere", Ct);
        await store.SaveFanOutProgressAsync(post, "after-batch-2", Ct);
        Assert.Equal("after-batch-2", await store.GetFanOutProgressAsync(post, Ct));

        await store.SaveFanOutProgressAsync(post, null, Ct);
        Assert.Null(await store.GetFanOutProgressAsync(post, Ct));
        Assert.Equal("elsewhere", await store.GetFanOutProgressAsync(other, Ct));
    }
}
