using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Tests.StoreContracts;

/// <summary>What every <see cref="ITimelinePostStore"/> adapter must do (the post read model and influencer_posts); each adapter's test class derives from this.</summary>
public abstract class TimelinePostStoreContract : TimelineStoreContract
{
    [Fact]
    public async Task Saved_posts_are_read_back_and_unknown_ids_are_absent()
    {
        var stores = CreateStores();
        var author = Guid.NewGuid();
        var first = Post(author, 1);
        var second = Post(author, 2);
        await stores.Posts.SavePostAsync(first, Ct);
        await stores.Posts.SavePostAsync(second, Ct);

        var found = await stores.Posts.GetPostsAsync([first.PostId, second.PostId, Guid.NewGuid()], Ct);

        Assert.Equal(2, found.Count);
        Assert.Equal(first, found[first.PostId]);
        Assert.Equal(second, found[second.PostId]);
    }

    [Fact]
    public async Task Saving_a_post_again_keeps_one_copy()
    {
        var stores = CreateStores();
        var post = Post(Guid.NewGuid(), 1);
        await stores.Posts.SavePostAsync(post, Ct);
        await stores.Posts.SavePostAsync(post, Ct);

        var found = await stores.Posts.GetPostsAsync([post.PostId], Ct);

        Assert.Equal(post, Assert.Single(found).Value);
    }

    [Fact]
    public async Task Influencer_posts_are_read_per_influencer_with_a_per_influencer_limit_in_one_call()
    {
        var stores = CreateStores();
        var busy = Guid.NewGuid();
        var quiet = Guid.NewGuid();
        var silent = Guid.NewGuid();
        var busyPosts = Enumerable.Range(0, 5).Select(i => Post(busy, 100 + i)).ToList();
        var quietPost = Post(quiet, 1);
        foreach (var post in busyPosts.Append(quietPost))
        {
            await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), Ct);
        }

        var read = await stores.Posts.GetInfluencerPostsAsync([busy, quiet, silent], null, 3, Ct);

        Assert.Equal([busyPosts[4].PostId, busyPosts[3].PostId, busyPosts[2].PostId], read[busy].Select(entry => entry.PostId));
        Assert.All(read[busy], entry => Assert.Equal(busy, entry.AuthorId));
        Assert.Equal([quietPost.PostId], read[quiet].Select(entry => entry.PostId));
        Assert.True(!read.TryGetValue(silent, out var none) || none.Count == 0);
    }

    [Fact]
    public async Task Influencer_posts_after_a_cursor_start_strictly_after_it_for_every_influencer()
    {
        var stores = CreateStores();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var tied = TiedIds(4);
        // Both influencers posted in the same millisecond: ids interleave across them.
        await stores.Posts.AddInfluencerPostAsync(Post(first, 50, tied[0]).ToEntry(), Ct);
        await stores.Posts.AddInfluencerPostAsync(Post(second, 50, tied[1]).ToEntry(), Ct);
        await stores.Posts.AddInfluencerPostAsync(Post(first, 50, tied[2]).ToEntry(), Ct);
        await stores.Posts.AddInfluencerPostAsync(Post(second, 50, tied[3]).ToEntry(), Ct);
        var firstOld = Post(first, 10);
        await stores.Posts.AddInfluencerPostAsync(firstOld.ToEntry(), Ct);

        var read = await stores.Posts.GetInfluencerPostsAsync([first, second], new SequenceKey(Epoch.AddMilliseconds(50), tied[1]), 10, Ct);

        Assert.Equal([tied[2], firstOld.PostId], read[first].Select(entry => entry.PostId));
        Assert.Equal([tied[3]], read[second].Select(entry => entry.PostId));
    }

    [Fact]
    public async Task Writing_an_influencer_post_twice_is_harmless()
    {
        var stores = CreateStores();
        var influencer = Guid.NewGuid();
        var post = Post(influencer, 1);
        await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), Ct);
        await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), Ct);

        var read = await stores.Posts.GetInfluencerPostsAsync([influencer], null, 10, Ct);

        Assert.Equal(post.PostId, Assert.Single(read[influencer]).PostId);
    }

    [Fact]
    public async Task Only_authors_with_influencer_posts_are_pulled()
    {
        var stores = CreateStores();
        var influencer = Guid.NewGuid();
        var ordinary = Guid.NewGuid();
        await stores.Posts.AddInfluencerPostAsync(Post(influencer, 1).ToEntry(), Ct);
        await stores.Rows.AddTimelineRowsAsync([Guid.NewGuid()], Post(ordinary, 1).ToEntry(), Ct);

        var pulled = await stores.Posts.GetPulledAuthorsAsync([influencer, ordinary, Guid.NewGuid()], Ct);

        Assert.Equal([influencer], pulled);
    }

    [Fact]
    public async Task Removing_a_post_removes_it_from_the_read_model_and_influencer_posts_but_not_from_rows()
    {
        var stores = CreateStores();
        var influencer = Guid.NewGuid();
        var reader = Guid.NewGuid();
        var removed = Post(influencer, 2);
        var kept = Post(influencer, 1);
        foreach (var post in new[] { removed, kept })
        {
            await stores.Posts.SavePostAsync(post, Ct);
            await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), Ct);
        }

        await stores.Rows.AddTimelineRowsAsync([reader], removed.ToEntry(), Ct);

        await stores.Posts.RemovePostAsync(influencer, removed.PostId, Ct);

        Assert.Equal([kept.PostId], (await stores.Posts.GetPostsAsync([removed.PostId, kept.PostId], Ct)).Keys);
        Assert.Equal([kept.PostId], (await stores.Posts.GetInfluencerPostsAsync([influencer], null, 10, Ct))[influencer].Select(entry => entry.PostId));
        // Rows are dropped at read time by the merge, which finds no post for them.
        Assert.Equal([removed.PostId], (await stores.Rows.GetTimelineRowsAsync(reader, null, 10, Ct)).Select(row => row.PostId));
    }

    [Fact]
    public async Task An_author_whose_last_influencer_post_is_removed_stays_pulled()
    {
        var stores = CreateStores();
        var influencer = Guid.NewGuid();
        var post = Post(influencer, 1);
        await stores.Posts.SavePostAsync(post, Ct);
        await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), Ct);

        await stores.Posts.RemovePostAsync(influencer, post.PostId, Ct);
        await stores.Posts.RemovePostAsync(influencer, post.PostId, Ct);

        // Pulled authors only ever grow: a cached reader state that pulls the author can never be wrong.
        Assert.Equal([influencer], await stores.Posts.GetPulledAuthorsAsync([influencer, Guid.NewGuid()], Ct));
        var read = await stores.Posts.GetInfluencerPostsAsync([influencer], null, 10, Ct);
        Assert.True(!read.TryGetValue(influencer, out var none) || none.Count == 0);
    }

    [Fact]
    public async Task Removing_an_influencer_post_missing_from_the_read_model_still_removes_it()
    {
        var stores = CreateStores();
        var influencer = Guid.NewGuid();
        var post = Post(influencer, 1);
        await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), Ct);

        await stores.Posts.RemovePostAsync(influencer, post.PostId, Ct);

        var read = await stores.Posts.GetInfluencerPostsAsync([influencer], null, 10, Ct);
        Assert.True(!read.TryGetValue(influencer, out var none) || none.Count == 0);
        Assert.Equal([influencer], await stores.Posts.GetPulledAuthorsAsync([influencer], Ct));
    }

    [Fact]
    public async Task A_removed_post_is_never_saved_again_even_when_removed_before_it_was_saved()
    {
        var stores = CreateStores();
        var author = Guid.NewGuid();
        var saved = Post(author, 1);
        var removedFirst = Post(author, 2);
        var kept = Post(author, 3);

        Assert.True(await stores.Posts.SavePostAsync(saved, Ct));
        Assert.True(await stores.Posts.SavePostAsync(saved with { PostUrl = "https://cdn.example/again.jpg" }, Ct));
        Assert.True(await stores.Posts.SavePostAsync(kept, Ct));
        await stores.Posts.RemovePostAsync(author, saved.PostId, Ct);
        await stores.Posts.RemovePostAsync(author, removedFirst.PostId, Ct);

        Assert.False(await stores.Posts.SavePostAsync(saved, Ct));
        Assert.False(await stores.Posts.SavePostAsync(removedFirst, Ct));
        Assert.Equal([kept.PostId], (await stores.Posts.GetPostsAsync([saved.PostId, removedFirst.PostId, kept.PostId], Ct)).Keys);
    }

    [Fact]
    public async Task Saves_racing_removals_of_the_same_posts_never_leave_one_behind()
    {
        var stores = CreateStores();
        var author = Guid.NewGuid();
        var posts = Enumerable.Range(0, 60).Select(i => Post(author, i)).ToList();

        await Parallel.ForEachAsync(posts, Ct, async (post, ct) =>
        {
            var save = Task.Run(async () => await stores.Posts.SavePostAsync(post, ct), ct);
            var remove = Task.Run(async () => await stores.Posts.RemovePostAsync(author, post.PostId, ct), ct);
            await Task.WhenAll(save, remove);
        });

        Assert.Empty(await stores.Posts.GetPostsAsync([.. posts.Select(post => post.PostId)], Ct));
    }

    [Fact]
    public async Task A_removed_post_gets_no_influencer_posts_row_again()
    {
        var stores = CreateStores();
        var influencer = Guid.NewGuid();
        var kept = Post(influencer, 1);
        var removed = Post(influencer, 2);
        var onlyPost = Post(Guid.NewGuid(), 3);
        foreach (var post in new[] { kept, removed, onlyPost })
        {
            await stores.Posts.SavePostAsync(post, Ct);
        }

        Assert.True(await stores.Posts.AddInfluencerPostAsync(kept.ToEntry(), Ct));
        await stores.Posts.RemovePostAsync(influencer, removed.PostId, Ct);
        await stores.Posts.RemovePostAsync(onlyPost.AuthorId, onlyPost.PostId, Ct);

        // A promotion's copy that read these posts before they were removed.
        Assert.False(await stores.Posts.AddInfluencerPostAsync(removed.ToEntry(), Ct));
        Assert.False(await stores.Posts.AddInfluencerPostAsync(onlyPost.ToEntry(), Ct));
        Assert.True(await stores.Posts.AddInfluencerPostAsync(kept.ToEntry(), Ct));

        var read = await stores.Posts.GetInfluencerPostsAsync([influencer, onlyPost.AuthorId], null, 10, Ct);
        Assert.Equal([kept.PostId], read[influencer].Select(entry => entry.PostId));
        Assert.False(read.TryGetValue(onlyPost.AuthorId, out var none) && none.Count > 0);
        // A refused write leaves no trace: an author who never had a row is not pulled.
        Assert.Equal([influencer], await stores.Posts.GetPulledAuthorsAsync([influencer, onlyPost.AuthorId], Ct));
    }

    [Fact]
    public async Task Influencer_posts_writes_racing_removals_of_the_same_posts_never_leave_one_behind()
    {
        var stores = CreateStores();
        var influencer = Guid.NewGuid();
        var posts = Enumerable.Range(0, 60).Select(i => Post(influencer, i)).ToList();
        foreach (var post in posts)
        {
            await stores.Posts.SavePostAsync(post, Ct);
        }

        await Parallel.ForEachAsync(posts, Ct, async (post, ct) =>
        {
            var add = Task.Run(async () => await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), ct), ct);
            var remove = Task.Run(async () => await stores.Posts.RemovePostAsync(influencer, post.PostId, ct), ct);
            await Task.WhenAll(add, remove);
        });

        var read = await stores.Posts.GetInfluencerPostsAsync([influencer], null, posts.Count, Ct);
        Assert.False(read.TryGetValue(influencer, out var left) && left.Count > 0, $"{left?.Count} influencer_posts rows left behind");
    }
}
