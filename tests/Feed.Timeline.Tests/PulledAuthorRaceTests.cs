using Feed.Social.Contracts;
using Feed.Timeline.Tests.Support;
using StackExchange.Redis;

namespace Feed.Timeline.Tests;

/// <summary>
/// While an author is marked as pulled, their pulled posts drop nobody's reader state, so every trusted
/// state must already pull them, whatever ran in between: a deletion of their last pulled post, a state
/// refilled meanwhile, an outage. Interleavings forced by steps run inside the cache's calls.
/// </summary>
public sealed class PulledAuthorRaceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_pulled_post_made_while_the_author_s_last_one_is_being_deleted_reaches_a_state_refilled_in_between()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var store = new SteppingStore(TimelineStores.InMemory());
        var world = new TimelineWorld(TimelineStores.All(store), redis.Cache);
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        await world.FollowAsync(world.Reader, influencer);
        var first = await world.PostAsync(influencer, 1);
        Assert.Equal([first.PostId], await world.TimelineOfAsync(world.Reader));

        PostSummary? next = null;
        // The store no longer has the post, nor any other of the author's pulled posts.
        store.AfterRemovePost = async () =>
        {
            world.Clock.Advance(world.Lifecycle.ActivityMargin); // the state's trust ends: refilled now
            Assert.Empty(await world.TimelineOfAsync(world.Reader));
            next = await world.PostAsync(influencer, 2); // in another process
        };
        await world.DeletePostAsync(first);

        Assert.NotNull(next);
        Assert.Equal([next.PostId], await world.TimelineOfAsync(world.Reader));
    }

    [Fact]
    public async Task An_author_s_first_pulled_post_deleted_while_its_announcement_walks_hides_none_of_their_next_posts()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var cache = new HookedTimelineCache(redis.Cache);
        var world = new TimelineWorld(cache);
        var author = world.Modules.AddUser("author", isInfluencer: true);
        await world.FollowAsync(world.Reader, author);
        Assert.Empty(await world.TimelineOfAsync(world.Reader)); // a cached state that pulls nobody

        // The announcement of the author's first pulled post has dropped the followers' states and is
        // about to mark the author when the post is deleted, the whole delete handler run.
        var first = LifecycleSteps.NewPost(author, 1);
        cache.BeforeMarkPulledAuthor = () => world.DeletePostAsync(first);
        world.Modules.AddPost(first);
        await world.CreatedHandler().Handle(new PostCreated(first), Ct);
        Assert.Empty(await world.TimelineOfAsync(world.Reader)); // the state, refilled

        var next = await world.PostAsync(author, 2);

        Assert.Equal([next.PostId], await world.TimelineOfAsync(world.Reader));
    }

    [Fact]
    public async Task An_author_whose_last_pulled_post_was_deleted_in_an_outage_reaches_followers_with_their_next_one()
    {
        await using var proxy = new RedisOutageProxy();
        await using var connection = await proxy.ConnectAsync();
        using var redis = RedisTestCache.On(connection);
        var cache = new HookedTimelineCache(redis.Cache);
        var world = new TimelineWorld(cache);
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        await world.FollowAsync(world.Reader, influencer);
        var first = await world.PostAsync(influencer, 1);
        Assert.Equal([first.PostId], await world.TimelineOfAsync(world.Reader));

        cache.BeforeRemovePost = () =>
        {
            proxy.Cut(); // every cache write of the deletion is lost
            return Task.CompletedTask;
        };
        await world.DeletePostAsync(first);
        proxy.Restore();
        await RedisTimelineCacheTests.WaitUntilConnectedAsync(connection);
        Assert.Empty(await world.TimelineOfAsync(world.Reader)); // the state, refilled once Redis is back

        var next = await world.PostAsync(influencer, 2);

        Assert.Equal([next.PostId], await world.TimelineOfAsync(world.Reader));
    }
}
