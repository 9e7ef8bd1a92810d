using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Users.Influence;

/// <summary>
/// Re-evaluates the followee's influencer status whenever their follower count changes, and
/// announces a change exactly once: the store's compare-and-set lets only one of several
/// concurrent notifications make (and so announce) the same change. The announcement goes through the
/// outbox, committed with the change: a crash after the change cannot lose it, and the Timeline's copy it
/// starts is retried until it succeeds (a redelivered follow finds the status already set, and sends nothing).
/// <para>
/// The status follows the count Social has <em>now</em>, never the count a message carries: a message is
/// delivered at least once, in any order with the others (a retry after a failure, a lease taken over), so
/// its count may be stale, and a promotion redelivered after the unfollows that demoted the user would
/// promote them again. After a switch the count is read again: a change committed meanwhile whose own
/// review read the status before this switch found nothing to do, so this one must.
/// </para>
/// </summary>
internal sealed class FollowerCountChangedHandler(
    IUserStore store,
    ISender sender,
    OutboxMessageTypes announcements,
    IOptions<UsersOptions> options,
    TimeProvider time)
    : INotificationHandler<UserFollowed>, INotificationHandler<UserUnfollowed>
{
    // Each round after the first follows a switch the count had justified; more than a few means the
    // count keeps crossing both thresholds, and the reviews of those changes go on from here.
    private const int MaxRounds = 4;

    public ValueTask Handle(UserFollowed notification, CancellationToken cancellationToken) =>
        ReviewAsync(notification.FolloweeId, cancellationToken);

    public ValueTask Handle(UserUnfollowed notification, CancellationToken cancellationToken) =>
        ReviewAsync(notification.FolloweeId, cancellationToken);

    private async ValueTask ReviewAsync(Guid userId, CancellationToken cancellationToken)
    {
        var thresholds = options.Value.ToThresholds();
        for (var round = 0; round < MaxRounds; round++)
        {
            // The status before the count: a change committed after this read is reviewed again by its own message.
            var user = await store.GetAsync(userId, cancellationToken);
            if (user is null)
            {
                return;
            }

            var followerCount = await sender.Send(new GetFollowerCount(userId), cancellationToken);
            var isInfluencer = thresholds.StatusFor(user.IsInfluencer, followerCount);
            if (isInfluencer == user.IsInfluencer)
            {
                return;
            }

            var changedOn = time.GetUtcNowMilliseconds();
            var announcement = announcements.Wrap(new InfluencerStatusChanged(userId, isInfluencer, changedOn), time.NewId(), time.GetUtcNow());
            await store.TrySetInfluencerAsync(userId, isInfluencer, changedOn, announcement, cancellationToken);
        }
    }
}
