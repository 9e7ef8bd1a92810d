using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Lifecycle;

/// <summary>
/// The lifecycle with the Redis cache in front of the store: every change that is not a new entry at
/// the head of a list (backfills, unfollows, deletes, promotions) reaches the cached lists too.
/// </summary>
public sealed class CachedLifecycleTests
{
    [Fact]
    public async Task A_follow_s_backfill_reaches_a_warm_cached_timeline()
    {
        using var redis = await RedisTestCache.CreateAsync(cacheSize: 5);
        var world = new TimelineWorld(redis.Cache);
        var first = world.Modules.AddUser("first");
        await world.FollowAsync(world.Reader, first);
        var posts = new[] { await world.PostAsync(first, 10), await world.PostAsync(first, 20) };
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
        Assert.True(await redis.Db.KeyExistsAsync(redis.TimelineKey(world.Reader)));

        // Older posts than the cached ones arrive by backfill: the cached timeline would hide them.
        var second = world.Modules.AddUser("second");
        var older = new[] { await world.PostAsync(second, 1), await world.PostAsync(second, 15) };
        await world.FollowAsync(world.Reader, second);

        Assert.Equal(LifecycleSteps.NewestFirst(posts, older), await world.TimelineOfAsync(world.Reader, limit: 1));
    }

    [Fact]
    public async Task An_unfollow_drops_the_cached_timeline()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        var kept = world.Modules.AddUser("kept");
        await world.FollowAsync(world.Reader, author);
        await world.FollowAsync(world.Reader, kept);
        var unfollowedPost = await world.PostAsync(author, 1);
        var keptPost = await world.PostAsync(kept, 2);
        Assert.Equal(2, (await world.TimelineOfAsync(world.Reader)).Count);

        await world.UnfollowAsync(world.Reader, author);

        Assert.False(await redis.Db.KeyExistsAsync(redis.TimelineKey(world.Reader)));
        Assert.Equal([keptPost.PostId], await world.TimelineOfAsync(world.Reader));
        // Refilled from the store without the unfollowed author's row.
        Assert.NotNull(await redis.Db.SortedSetScoreAsync(redis.TimelineKey(world.Reader), RedisTestCache.EntryMember(keptPost.CreatedOn, keptPost.PostId)));
        Assert.Null(await redis.Db.SortedSetScoreAsync(redis.TimelineKey(world.Reader), RedisTestCache.EntryMember(unfollowedPost.CreatedOn, unfollowedPost.PostId)));
    }

    [Fact]
    public async Task A_deleted_post_leaves_every_cached_timeline()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        var other = world.Modules.AddUser("other");
        await world.ActivateAsync(other);
        await world.FollowAsync(world.Reader, author);
        await world.FollowAsync(other, author);
        var deleted = await world.PostAsync(author, 1);
        var kept = await world.PostAsync(author, 2);
        foreach (var reader in new[] { world.Reader, other })
        {
            Assert.Equal(2, (await world.TimelineOfAsync(reader)).Count);
            Assert.NotNull(await redis.Db.SortedSetScoreAsync(redis.TimelineKey(reader), RedisTestCache.EntryMember(deleted.CreatedOn, deleted.PostId)));
        }

        await world.DeletePostAsync(deleted);

        foreach (var reader in new[] { world.Reader, other })
        {
            Assert.Null(await redis.Db.SortedSetScoreAsync(redis.TimelineKey(reader), RedisTestCache.EntryMember(deleted.CreatedOn, deleted.PostId)));
            Assert.Equal([kept.PostId], await world.TimelineOfAsync(reader));
        }
    }

    [Fact]
    public async Task A_promotion_drops_the_cached_influencer_posts_so_new_followers_pull_the_copied_posts()
    {
        using var redis = await RedisTestCache.CreateAsync();
        var world = new TimelineWorld(redis.Cache);
        var author = world.Modules.AddUser("author");
        var late = world.Modules.AddUser("late");
        await world.ActivateAsync(late);
        await world.SwitchAsync(author, isInfluencer: true);
        await world.FollowAsync(world.Reader, author);
        var pulled = await world.PostAsync(author, 1);
        Assert.Equal([pulled.PostId], await world.TimelineOfAsync(world.Reader)); // caches the whole influencer list
        Assert.True(await redis.Db.KeyExistsAsync(redis.InfluencerPostsKey(author)));

        await world.SwitchAsync(author, isInfluencer: false);
        var pushed = await world.PostAsync(author, 2);
        await world.SwitchAsync(author, isInfluencer: true);
        await world.FollowAsync(late, author);

        Assert.Empty(await world.RowsOfAsync(late)); // both posts are pulled now
        Assert.Equal(LifecycleSteps.NewestFirst([pulled, pushed]), await world.TimelineOfAsync(late, limit: 1));
        Assert.Equal(LifecycleSteps.NewestFirst([pulled, pushed]), await world.TimelineOfAsync(world.Reader, limit: 1));
    }
}
