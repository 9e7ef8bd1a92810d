using Feed.Social.Contracts;
using Feed.Timeline.Changes;
using Mediator;

namespace Feed.Timeline.Lifecycle;

/// <summary>
/// A follow or unfollow just committed (published in process, before the request returns): the
/// follower's next read must use the new followee list, so nothing read with the old one is reused.
/// </summary>
internal sealed class FollowingChangedHandler(TimelineChanges changes) : INotificationHandler<FollowingChanged>
{
    public ValueTask Handle(FollowingChanged notification, CancellationToken cancellationToken) =>
        changes.ReadersChangedAsync([notification.FollowerId], cancellationToken);
}
