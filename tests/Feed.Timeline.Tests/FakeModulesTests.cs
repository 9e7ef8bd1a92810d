using Feed.Social.Contracts;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests;

/// <summary>
/// The stand-in for Social that every Timeline test walks followers through: it must walk them as Social's store
/// does (<c>FollowStoreContract</c>'s walk test), or the fan-out tests would pass against a walk Social never makes.
/// </summary>
public sealed class FakeModulesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_followers_walk_skips_nobody_when_follows_change_between_its_batches()
    {
        var modules = new FakeModules();
        var followee = modules.AddUser("followee");
        var followers = Enumerable.Range(0, 6).Select(i => modules.AddUser($"follower_{i}")).ToArray();
        foreach (var follower in followers)
        {
            modules.Follow(follower, followee);
        }

        var first = await modules.Send(new GetFollowerBatch(followee, null, 2), Ct);
        modules.Unfollow(followers[5], followee);
        modules.Unfollow(followers[2], followee);
        modules.Follow(modules.AddUser("late"), followee);
        var rest = new List<Guid>();
        for (var cursor = first.NextCursor; cursor is not null;)
        {
            Assert.True(modules.FollowerBatchQueries.Count < 10, "the walk did not end");
            var batch = await modules.Send(new GetFollowerBatch(followee, cursor, 2), Ct);
            rest.AddRange(batch.FollowerIds);
            cursor = batch.NextCursor;
        }

        Assert.Equal([followers[5], followers[4]], first.FollowerIds);
        Assert.Equal([followers[3], followers[1], followers[0]], rest);
    }
}
