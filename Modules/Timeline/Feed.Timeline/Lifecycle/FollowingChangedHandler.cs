using Feed.Social.Contracts;
using Feed.Timeline.Changes;
using Mediator;

namespace Feed.Timeline.Lifecycle;

/// <summary>
/// A follow or unfollow just committed (published in process, before the request returns): the
/// follower's next read must use the new followee list: their cached state is dropped (the next read
/// refills it from the store), and nothing read with the old list is reused.
/// </summary>
internal sealed class FollowingChangedHandler(ITimelineCache cache, TimelineChanges changes) : INotificationHandler<FollowingChanged>
{
    public async ValueTask Handle(FollowingChanged notification, CancellationToken cancellationToken)
    {
        await cache.DropReadersAsync([notification.FollowerId], cancellationToken);
        await changes.ReadersChangedAsync([notification.FollowerId], cancellationToken);
    }
}
