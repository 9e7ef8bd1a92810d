using Feed.Social.Contracts;
using Feed.Testing;
using Feed.Users.Contracts;

namespace Feed.Timeline.Tests.Support;

/// <summary>
/// What Social and Users do, then what the outbox delivers to the Timeline module, one step at a
/// time: the graph and the posts change in <see cref="FakeModules"/>, then the handler runs.
/// </summary>
internal static class LifecycleSteps
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static PostSummary NewPost(Guid authorId, long millis) =>
        new(Guid.NewGuid(), authorId, $"https://cdn.example/{Guid.NewGuid():N}.jpg", "image", TimelineWorld.At(millis));

    /// <summary>Social saves the post; then PostCreated is delivered.</summary>
    public static async Task<PostSummary> PostAsync(this TimelineWorld world, Guid authorId, long millis, int batchSize = 1000)
    {
        var post = NewPost(authorId, millis);
        world.Modules.AddPost(post);
        await world.CreatedHandler(batchSize).Handle(new PostCreated(post), Ct);
        return post;
    }

    /// <summary>Social deletes the post; then PostDeleted is delivered.</summary>
    public static async Task DeletePostAsync(this TimelineWorld world, PostSummary post, int batchSize = 1000)
    {
        world.Modules.RemovePost(post);
        await world.DeletedHandler(batchSize).Handle(new PostDeleted(post.PostId, post.AuthorId), Ct);
    }

    /// <summary>Social records the follow; then UserFollowed is delivered.</summary>
    public static async Task FollowAsync(this TimelineWorld world, Guid followerId, Guid followeeId) =>
        await world.FollowedHandler().Handle(world.FollowInSocial(followerId, followeeId), Ct);

    /// <summary>Social records the follow; its UserFollowed is returned, not delivered (a test delivers it when it chooses).</summary>
    public static UserFollowed FollowInSocial(this TimelineWorld world, Guid followerId, Guid followeeId)
    {
        world.Modules.Follow(followerId, followeeId);
        return new UserFollowed(followerId, followeeId, world.Clock.GetUtcNow(), 1);
    }

    /// <summary>Social removes the follow; then UserUnfollowed is delivered.</summary>
    public static async Task UnfollowAsync(this TimelineWorld world, Guid followerId, Guid followeeId) =>
        await world.UnfollowedHandler().Handle(world.UnfollowInSocial(followerId, followeeId), Ct);

    /// <summary>Social removes the follow; its UserUnfollowed is returned, not delivered (a test delivers it when it chooses).</summary>
    public static UserUnfollowed UnfollowInSocial(this TimelineWorld world, Guid followerId, Guid followeeId)
    {
        world.Modules.Unfollow(followerId, followeeId);
        return new UserUnfollowed(followerId, followeeId, 0);
    }

    /// <summary>Users switches the author; then its InfluencerStatusChanged is delivered.</summary>
    public static async Task SwitchAsync(this TimelineWorld world, Guid userId, bool isInfluencer)
    {
        world.Modules.SetInfluencer(userId, isInfluencer);
        await world.StatusChangedHandler().Handle(new InfluencerStatusChanged(userId, isInfluencer, world.Clock.GetUtcNow()), Ct);
    }

    /// <summary>The user's whole timeline through the GetTimeline handler, page by page, checked well formed.</summary>
    public static async Task<List<Guid>> TimelineOfAsync(this TimelineWorld world, Guid readerId, int limit = 3, int postsPerInfluencer = 2)
    {
        var pages = new List<Feed.Timeline.Contracts.TimelinePage>();
        string? cursor = null;
        do
        {
            var page = await world.ReadAsync(limit, cursor, groupSize: 2, postsPerInfluencer, reader: readerId);
            pages.Add(page);
            cursor = page.NextCursor;
            Assert.True(pages.Count <= 1000, "Paging did not end.");
        }
        while (cursor is not null);

        return TimelineWorld.AssertWellFormed(pages, limit);
    }

    /// <summary>The posts in page order (newest first, ties by descending id).</summary>
    public static List<Guid> NewestFirst(params IEnumerable<PostSummary>[] posts) =>
        PageOrder.NewestFirst(posts.SelectMany(list => list), post => post.CreatedOn, post => post.PostId).Select(post => post.PostId).ToList();

    /// <summary>The post ids of the user's stored timeline rows, newest first.</summary>
    public static async Task<List<Guid>> RowsOfAsync(this TimelineWorld world, Guid userId) =>
        (await world.Store.GetTimelineRowsAsync(userId, null, 10_000, Ct)).Select(row => row.PostId).ToList();
}
