using Feed.Social.Contracts;
using Feed.Timeline.Live;
using Feed.Timeline.ReaderLifecycle;
using Mediator;

namespace Feed.Timeline.Notifications.OnUserFollowed;

/// <summary>
/// A follow (delivered through the outbox, retried until done): the followee's recent posts enter the
/// follower's timeline. Posts the followee has in influencer_posts come by pull at read time; the rest
/// (all of an ordinary author's, and an influencer's posts from before the promotion) become rows.
/// A post created before the follow was committed is in the backfill; one created after it is fanned
/// out to a follower list that already holds the follower.
/// </summary>
internal sealed class UserFollowedHandler(ISender sender, ITimelineCache cache, ReaderActivity readers, TimelineBackfill backfill, UnfollowedAuthorRows rows, LiveTimelineEvents live)
    : INotificationHandler<UserFollowed>
{
    public async ValueTask Handle(UserFollowed notification, CancellationToken cancellationToken)
    {
        // Also dropped in process when the request committed; again here, for a process that died before that.
        await cache.DropReadersAsync([notification.FollowerId], cancellationToken);

        // An inactive follower's timeline is rebuilt from the graph, this follow included, on their next read.
        if (!await readers.IsActiveAsync(notification.FollowerId, cancellationToken))
        {
            await live.FolloweeArrivedAsync(notification.FollowerId, notification.FolloweeId, cancellationToken);
            return;
        }

        await backfill.RunAsync(notification.FollowerId, [notification.FolloweeId], cancellationToken);

        // Unfollowed meanwhile (and that unfollow's cleanup may have run before this backfill): clean up
        // again. Reads already hide these rows, because they show only followed authors.
        if (!await sender.FollowsAsync(notification.FollowerId, notification.FolloweeId, cancellationToken))
        {
            await rows.RemoveAsync(notification.FollowerId, notification.FolloweeId, cancellationToken);
            return;
        }

        await live.FolloweeArrivedAsync(notification.FollowerId, notification.FolloweeId, cancellationToken);
    }
}
