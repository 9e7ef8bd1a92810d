using Feed.Social.Contracts;
using Mediator;

namespace Feed.Timeline.Lifecycle;

/// <summary>The follow graph as Social knows it now (the truth that timelines converge to).</summary>
internal static class FollowGraph
{
    public static async ValueTask<bool> FollowsAsync(this ISender sender, Guid followerId, Guid followeeId, CancellationToken cancellationToken)
    {
        var followees = await sender.Send(new GetFolloweeIds(followerId), cancellationToken);
        return followees.Contains(followeeId);
    }
}
