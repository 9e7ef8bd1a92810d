using Feed.Social.Contracts;
using Mediator;

namespace Feed.Timeline.Live;

/// <summary>A follow or unfollow just committed: the reader's open streams, on any instance, read whom they follow again.</summary>
internal sealed class LiveFollowingChangedHandler(LiveTimelineEvents live) : INotificationHandler<FollowingChanged>
{
    public ValueTask Handle(FollowingChanged notification, CancellationToken cancellationToken) =>
        live.FollowingChangedAsync(notification.FollowerId, cancellationToken);
}
