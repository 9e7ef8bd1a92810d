using Feed.Social.Contracts;
using Feed.Timeline.Live;
using Feed.Timeline.ReaderLifecycle;
using Mediator;

namespace Feed.Timeline.Notifications.OnUserUnfollowed;

/// <summary>
/// An unfollow (delivered through the outbox, retried until done): the unfollowed author's rows leave
/// the follower's timeline, and the follower's cached timeline is dropped (refilled on the next read). Reads already hide them from the moment the unfollow is committed (a read
/// shows only authors the reader follows), so this is cleanup; pulled posts stop being pulled at once.
/// </summary>
internal sealed class UserUnfollowedHandler(ITimelineCache cache, UnfollowedAuthorRows rows, LiveTimelineEvents live)
    : INotificationHandler<UserUnfollowed>
{
    public async ValueTask Handle(UserUnfollowed notification, CancellationToken cancellationToken)
    {
        // Also dropped in process when the request committed; again here, for a process that died before that.
        await cache.DropReadersAsync([notification.FollowerId], cancellationToken);

        // Followed again before this (late) delivery: the author's rows are that follow's backfill and the
        // posts fanned out since, which a backfill could not all bring back. Nothing to clean up; but this may
        // be the retry of an attempt that failed after its removal, which took a follow-again's backfill (the
        // case the check after the removal covers).
        if (await rows.KeptByAFollowAgainAsync(notification.FollowerId, notification.FolloweeId, cancellationToken))
        {
            return;
        }

        // Followed again between the check and the removal: the reader follows the author, so no "followee
        // left" for their stream.
        if (await rows.RemoveAsync(notification.FollowerId, notification.FolloweeId, cancellationToken))
        {
            return;
        }

        await live.FolloweeLeftAsync(notification.FollowerId, notification.FolloweeId, cancellationToken);
    }
}
