using Feed.Social.Contracts;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Lifecycle;

/// <summary>UserFollowed and UserUnfollowed: backfill, cleanup, and the races between them.</summary>
public sealed class FollowLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_follow_writes_rows_for_the_followee_s_newest_backfill_size_posts()
    {
        var world = new TimelineWorld();
        world.Lifecycle.BackfillSize = 3;
        var author = world.Modules.AddUser("author");
        var posts = new List<PostSummary>();
        for (var i = 0; i < 5; i++)
        {
            posts.Add(await world.PostAsync(author, i));
        }

        await world.FollowAsync(world.Reader, author);

        var newest = LifecycleSteps.NewestFirst(posts).Take(3).ToList();
        Assert.Equal(newest, await world.RowsOfAsync(world.Reader));
        Assert.All(await world.Store.GetTimelineRowsAsync(world.Reader, null, 10, Ct), row => Assert.Equal(author, row.AuthorId));
        Assert.Equal(newest, await world.TimelineOfAsync(world.Reader));
        Assert.Equal([new GetRecentPosts(author, 3)], world.Modules.RecentPostQueries);
    }

    [Fact]
    public async Task A_follow_of_an_influencer_writes_rows_only_for_the_posts_that_are_not_pulled()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("rising");
        var pushed = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 2) };
        world.Modules.SetInfluencer(author, true); // promoted, without the status handler's copy
        var pulled = new[] { await world.PostAsync(author, 3), await world.PostAsync(author, 4) };

        await world.FollowAsync(world.Reader, author);

        Assert.Equal(LifecycleSteps.NewestFirst(pushed), await world.RowsOfAsync(world.Reader));
        Assert.Equal(LifecycleSteps.NewestFirst(pushed, pulled), await world.TimelineOfAsync(world.Reader, limit: 1, postsPerInfluencer: 1));
    }

    [Fact]
    public async Task Following_twice_or_a_redelivered_follow_writes_each_row_once()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        var posts = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 1), await world.PostAsync(author, 2) };

        await world.FollowAsync(world.Reader, author);
        await world.FollowAsync(world.Reader, author);

        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.RowsOfAsync(world.Reader));
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader, limit: 2));
    }

    [Fact]
    public async Task An_inactive_follower_gets_no_backfill_and_sees_the_posts_after_the_rebuild_of_the_next_read()
    {
        var world = new TimelineWorld();
        var follower = world.Modules.AddUser("never_read");
        var author = world.Modules.AddUser("author");
        var posts = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 2) };

        await world.FollowAsync(follower, author);

        Assert.Empty(await world.RowsOfAsync(follower));
        Assert.Empty(world.Modules.RecentPostQueries);
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(follower));
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.RowsOfAsync(follower));
    }

    [Fact]
    public async Task A_follow_delivered_after_the_unfollow_that_undid_it_leaves_no_rows()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        var kept = world.Modules.AddUser("kept");
        await world.FollowAsync(world.Reader, kept);
        var keptPost = await world.PostAsync(kept, 5);
        await world.PostAsync(author, 1);
        var followed = world.FollowInSocial(world.Reader, author);

        // The unfollow is handled first (it finds nothing), then the follow's backfill runs.
        await world.UnfollowAsync(world.Reader, author);
        await world.FollowedHandler().Handle(followed, Ct);

        Assert.Equal([keptPost.PostId], await world.RowsOfAsync(world.Reader));
        Assert.Equal([keptPost.PostId], await world.TimelineOfAsync(world.Reader));
    }

    [Fact]
    public async Task An_unfollow_removes_the_author_s_rows_and_nobody_else_s()
    {
        var world = new TimelineWorld();
        var other = world.Modules.AddUser("other");
        await world.ActivateAsync(other);
        var author = world.Modules.AddUser("author");
        var kept = world.Modules.AddUser("kept");
        foreach (var (follower, followee) in new[] { (world.Reader, author), (world.Reader, kept), (other, author) })
        {
            await world.FollowAsync(follower, followee);
        }

        var authorPosts = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 3) };
        var keptPosts = new[] { await world.PostAsync(kept, 2) };

        await world.UnfollowAsync(world.Reader, author);
        await world.UnfollowAsync(world.Reader, author); // redelivered

        Assert.Equal(LifecycleSteps.NewestFirst(keptPosts), await world.RowsOfAsync(world.Reader));
        Assert.Equal(LifecycleSteps.NewestFirst(authorPosts), await world.RowsOfAsync(other));
    }

    [Fact]
    public async Task Reads_hide_an_unfollowed_author_before_the_cleanup_and_a_racing_fan_out_stays_hidden()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        await world.FollowAsync(world.Reader, author);
        await world.FollowAsync(world.Reader, influencer);
        await world.PostAsync(author, 1);
        await world.PostAsync(influencer, 2);

        // Unfollowed in Social; the cleanup has not run, and a fan-out that read the followers before
        // the unfollow writes its row afterwards.
        world.Modules.Unfollow(world.Reader, author);
        world.Modules.Unfollow(world.Reader, influencer);
        var late = LifecycleSteps.NewPost(author, 3);
        await world.SaveAsync(author, 3, late.PostId);
        await world.Store.AddTimelineRowsAsync([world.Reader], new TimelineEntry(new(late.CreatedOn, late.PostId), author), Ct);

        Assert.Empty(await world.TimelineOfAsync(world.Reader, limit: 1));
        Assert.Equal(2, (await world.RowsOfAsync(world.Reader)).Count);
    }

    [Fact]
    public async Task An_unfollow_delivered_after_a_follow_again_keeps_the_posts()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var posts = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 2) };

        // Unfollowed and followed again in Social; the follow's backfill ran, then the unfollow arrives.
        var unfollowed = world.UnfollowInSocial(world.Reader, author);
        await world.FollowAsync(world.Reader, author);
        await world.UnfollowedHandler().Handle(unfollowed, Ct);

        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.RowsOfAsync(world.Reader));
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
    }
}
