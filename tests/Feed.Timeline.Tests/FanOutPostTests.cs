using Feed.Social.Contracts;
using Feed.Timeline.FanOut;
using Feed.Timeline.Notifications.OnPostCreated;
using Feed.Timeline.Tests.Support;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Tests;

/// <summary>PostCreated / PostDeleted handling: read model, push to followers, or record for pull.</summary>
public sealed class FanOutPostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostCreatedHandler CreatedHandler(TimelineWorld world, int batchSize = 1000) => world.CreatedHandler(batchSize);

    private static PostSummary Summary(Guid authorId, long millis) =>
        new(Guid.NewGuid(), authorId, "https://cdn.example/p.jpg", "image", TimelineWorld.At(millis));

    [Fact]
    public async Task An_ordinary_post_is_written_to_every_follower_timeline_in_batches()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("user_1");
        var followers = Enumerable.Range(0, 5).Select(i => world.Modules.AddUser($"follower_{i}")).ToList();
        followers.ForEach(follower => world.Modules.Follow(follower, author));
        await world.ActivateAsync([.. followers]);
        var post = Summary(author, 1);

        await CreatedHandler(world, batchSize: 2).Handle(new PostCreated(post), Ct);

        Assert.Equal([2, 2, 2], world.Modules.FollowerBatchQueries.Select(query => query.BatchSize));
        Assert.All(world.Modules.FollowerBatchQueries, query => Assert.Equal(author, query.FolloweeId));
        foreach (var follower in followers)
        {
            var row = Assert.Single(await world.Store.GetTimelineRowsAsync(follower, null, 10, Ct));
            Assert.Equal(post.PostId, row.PostId);
            Assert.Equal(author, row.AuthorId);
            Assert.Equal(post.CreatedOn, row.CreatedOn);
        }

        Assert.Empty(await world.Store.GetTimelineRowsAsync(author, null, 10, Ct));
        Assert.Empty(await world.Store.GetPulledAuthorsAsync([author], Ct));
        var saved = (await world.Store.GetPostsAsync([post.PostId], Ct))[post.PostId];
        Assert.Equal(new TimelinePost(post.PostId, author, post.PostUrl, post.PostType, post.CreatedOn), saved);
    }

    [Fact]
    public async Task An_influencer_post_is_recorded_for_pull_and_not_fanned_out()
    {
        var world = new TimelineWorld();
        var influencer = world.Modules.AddUser("star", isInfluencer: true);
        var follower = world.Modules.AddUser("fan");
        world.Modules.Follow(follower, influencer);
        var post = Summary(influencer, 1);

        await CreatedHandler(world).Handle(new PostCreated(post), Ct);

        Assert.Empty(world.Modules.FollowerBatchQueries);
        Assert.Empty(await world.Store.GetTimelineRowsAsync(follower, null, 10, Ct));
        var pulled = await world.Store.GetInfluencerPostsAsync([influencer], null, 10, Ct);
        Assert.Equal(post.PostId, Assert.Single(pulled[influencer]).PostId);
        Assert.Equal([influencer], await world.Store.GetPulledAuthorsAsync([influencer], Ct));
    }

    [Fact]
    public async Task Handling_the_same_post_twice_writes_each_row_once()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        world.Modules.Follow(world.Reader, author);
        var post = Summary(author, 1);

        await CreatedHandler(world).Handle(new PostCreated(post), Ct);
        await CreatedHandler(world).Handle(new PostCreated(post), Ct);

        Assert.Single(await world.Store.GetTimelineRowsAsync(world.Reader, null, 10, Ct));
        Assert.Single((await world.ReadAsync(limit: 10, cursor: null)).Items);
    }

    [Fact]
    public async Task An_author_without_followers_writes_no_rows()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("lonely");

        await CreatedHandler(world).Handle(new PostCreated(Summary(author, 1)), Ct);

        Assert.Single(world.Modules.FollowerBatchQueries);
        Assert.Empty(await world.Store.GetTimelineRowsAsync(world.Reader, null, 10, Ct));
    }

    [Fact]
    public async Task Posts_from_before_and_after_crossing_the_threshold_all_reach_the_follower_once()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("rising");
        world.Modules.Follow(world.Reader, author);
        var handler = CreatedHandler(world);
        var before = Summary(author, 1);
        var during = Summary(author, 2);
        var after = Summary(author, 3);
        var demoted = Summary(author, 4);

        await handler.Handle(new PostCreated(before), Ct);
        world.Modules.SetInfluencer(author, true);
        await handler.Handle(new PostCreated(during), Ct);
        await handler.Handle(new PostCreated(after), Ct);
        world.Modules.SetInfluencer(author, false);
        await handler.Handle(new PostCreated(demoted), Ct);

        for (var limit = 1; limit <= 4; limit++)
        {
            var pages = await world.ReadAllAsync(limit, postsPerInfluencer: 1);
            Assert.Equal([demoted.PostId, after.PostId, during.PostId, before.PostId], TimelineWorld.AssertWellFormed(pages, limit));
        }
    }

    [Fact]
    public async Task A_deleted_post_leaves_the_read_model_influencer_posts_and_every_timeline()
    {
        var world = new TimelineWorld();
        var ordinary = world.Modules.AddUser("ordinary");
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        world.Modules.Follow(world.Reader, ordinary);
        world.Modules.Follow(world.Reader, influencer);
        var pushed = Summary(ordinary, 2);
        var pulled = Summary(influencer, 1);
        var kept = Summary(ordinary, 0);
        foreach (var post in new[] { pushed, pulled, kept })
        {
            await CreatedHandler(world).Handle(new PostCreated(post), Ct);
        }

        var deleted = world.DeletedHandler();
        await deleted.Handle(new PostDeleted(pushed.PostId, ordinary), Ct);
        await deleted.Handle(new PostDeleted(pulled.PostId, influencer), Ct);

        Assert.Empty(await world.Store.GetPostsAsync([pushed.PostId, pulled.PostId], Ct));
        Assert.Empty(await world.Store.GetInfluencerPostsAsync([influencer], null, 10, Ct));
        var page = await world.ReadAsync(limit: 10, cursor: null);
        Assert.Equal([kept.PostId], page.Items.Select(item => item.PostId));
        Assert.Null(page.NextCursor);
    }
}
