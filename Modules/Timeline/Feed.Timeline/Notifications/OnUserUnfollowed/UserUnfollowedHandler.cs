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
internal sealed class UserUnfollowedHandler(ISender sender, ITimelineRowStore store, ITimelineCache cache, ReaderActivity readers, TimelineBackfill backfill, LiveTimelineEvents live)
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
        if (await KeptByAFollowAgainAsync(notification, cancellationToken))
        {
            return;
        }

        await store.RemoveAuthorTimelineRowsAsync(notification.FollowerId, notification.FolloweeId, cancellationToken);
        await cache.DropAsync(CachedList.Timeline, [notification.FollowerId], cancellationToken);

        // Followed again between the check and the removal: that follow's backfill may have run before
        // this cleanup and lost its rows to it (checked after the removal, so a later follow's own backfill
        // runs after it and survives). The reader follows the author: no "followee left" for their stream.
        if (await KeptByAFollowAgainAsync(notification, cancellationToken))
        {
            return;
        }

        await live.FolloweeLeftAsync(notification.FollowerId, notification.FolloweeId, cancellationToken);
    }

    /// <summary>
    /// True when the reader follows the author again; an active reader then gets the author's posts backfilled
    /// (idempotent, adds only). An inactive one is rebuilt from the graph on their next read.
    /// </summary>
    private async Task<bool> KeptByAFollowAgainAsync(UserUnfollowed notification, CancellationToken cancellationToken)
    {
        if (!await sender.FollowsAsync(notification.FollowerId, notification.FolloweeId, cancellationToken))
        {
            return false;
        }

        if (await readers.IsActiveAsync(notification.FollowerId, cancellationToken))
        {
            await backfill.RunAsync(notification.FollowerId, [notification.FolloweeId], cancellationToken);
        }

        return true;
    }
}
