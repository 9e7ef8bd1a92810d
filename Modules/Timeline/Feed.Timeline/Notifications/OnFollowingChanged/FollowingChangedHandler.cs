using Feed.Social.Contracts;
using Mediator;

namespace Feed.Timeline.Notifications.OnFollowingChanged;

/// <summary>
/// A follow or unfollow just committed (published in process, before the request returns): the
/// follower's next read must use the new followee list: their cached state is dropped (the next read
/// refills it from the store).
/// </summary>
internal sealed class FollowingChangedHandler(ITimelineCache cache) : INotificationHandler<FollowingChanged>
{
    public ValueTask Handle(FollowingChanged notification, CancellationToken cancellationToken) =>
        cache.DropReadersAsync([notification.FollowerId], cancellationToken);
}
