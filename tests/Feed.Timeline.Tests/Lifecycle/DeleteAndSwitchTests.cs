using Feed.Social.Contracts;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Lifecycle;

/// <summary>PostDeleted walking the followers, and InfluencerStatusChanged across push and pull.</summary>
public sealed class DeleteAndSwitchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_deleted_post_s_rows_leave_every_follower_in_batches_and_its_other_rows_stay()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        var followers = Enumerable.Range(0, 5).Select(i => world.Modules.AddUser($"follower_{i}")).ToList();
        await world.ActivateAsync([.. followers]);
        foreach (var follower in followers)
        {
            await world.FollowAsync(follower, author);
        }

        var kept = await world.PostAsync(author, 1);
        var deleted = await world.PostAsync(author, 2);
        world.Modules.FollowerBatchQueries.Clear();

        await world.DeletePostAsync(deleted, batchSize: 2);
        await world.DeleteAsync(new TimelinePost(deleted.PostId, author, deleted.PostUrl, deleted.PostType, deleted.CreatedOn)); // redelivered

        Assert.Equal([2, 2, 2], world.Modules.FollowerBatchQueries.Select(query => query.BatchSize));
        foreach (var follower in followers)
        {
            Assert.Equal([kept.PostId], await world.RowsOfAsync(follower));
        }

        Assert.Empty(await world.Store.GetPostsAsync([deleted.PostId], Ct));
    }

    [Fact]
    public async Task Deleting_a_post_delivered_twice_walks_the_followers_once()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var deleted = await world.PostAsync(author, 1);

        await world.DeletePostAsync(deleted);
        world.Modules.FollowerBatchQueries.Clear();
        await world.DeletedHandler().Handle(new PostDeleted(deleted.PostId, author), Ct);

        Assert.Empty(world.Modules.FollowerBatchQueries);
        Assert.Empty(await world.TimelineOfAsync(world.Reader));
    }

    [Fact]
    public async Task A_post_whose_creation_is_delivered_after_its_deletion_never_appears()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var post = LifecycleSteps.NewPost(author, 1);

        // PostCreated failed and waits for its retry; PostDeleted goes first; then the retry succeeds.
        await world.DeletedHandler().Handle(new PostDeleted(post.PostId, author), Ct);
        await world.CreatedHandler().Handle(new PostCreated(post), Ct);

        Assert.Empty(await world.Store.GetPostsAsync([post.PostId], Ct));
        Assert.Empty(await world.RowsOfAsync(world.Reader));
        Assert.Empty(await world.TimelineOfAsync(world.Reader));
    }

    [Fact]
    public async Task A_promotion_copies_the_author_s_recent_posts_to_influencer_posts_and_a_demotion_moves_nothing()
    {
        var world = new TimelineWorld();
        world.Lifecycle.BackfillSize = 2;
        var author = world.Modules.AddUser("rising");
        var posts = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 2), await world.PostAsync(author, 3) };

        await world.SwitchAsync(author, isInfluencer: true);
        await world.SwitchAsync(author, isInfluencer: true); // harmless again

        var pulled = await world.Store.GetInfluencerPostsAsync([author], null, 10, Ct);
        Assert.Equal(LifecycleSteps.NewestFirst(posts).Take(2), pulled[author].Select(entry => entry.PostId));

        await world.SwitchAsync(author, isInfluencer: false);

        Assert.Equal(LifecycleSteps.NewestFirst(posts).Take(2), (await world.Store.GetInfluencerPostsAsync([author], null, 10, Ct))[author].Select(entry => entry.PostId));
    }

    [Fact]
    public async Task Across_promotions_and_demotions_old_and_new_followers_see_every_post_once()
    {
        var world = new TimelineWorld();
        var early = world.Reader;
        var late = world.Modules.AddUser("late");
        await world.ActivateAsync(late);
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(early, author);
        var posts = new List<PostSummary> { await world.PostAsync(author, 1) };

        await world.SwitchAsync(author, isInfluencer: true);
        posts.Add(await world.PostAsync(author, 2));
        await world.SwitchAsync(author, isInfluencer: false);
        posts.Add(await world.PostAsync(author, 3));
        await world.SwitchAsync(author, isInfluencer: true);
        posts.Add(await world.PostAsync(author, 4));
        await world.FollowAsync(late, author);
        await world.SwitchAsync(author, isInfluencer: false);
        posts.Add(await world.PostAsync(author, 5));

        for (var limit = 1; limit <= 3; limit++)
        {
            Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(early, limit, postsPerInfluencer: 1));
            Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(late, limit, postsPerInfluencer: 1));
        }
    }
}
