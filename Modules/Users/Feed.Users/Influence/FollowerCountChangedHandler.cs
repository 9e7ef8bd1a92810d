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
/// </summary>
internal sealed class FollowerCountChangedHandler(
    IUserStore store,
    OutboxMessageTypes announcements,
    IOptions<UsersOptions> options,
    TimeProvider time)
    : INotificationHandler<UserFollowed>, INotificationHandler<UserUnfollowed>
{
    public ValueTask Handle(UserFollowed notification, CancellationToken cancellationToken) =>
        ReviewAsync(notification.FolloweeId, notification.FolloweeFollowerCount, cancellationToken);

    public ValueTask Handle(UserUnfollowed notification, CancellationToken cancellationToken) =>
        ReviewAsync(notification.FolloweeId, notification.FolloweeFollowerCount, cancellationToken);

    private async ValueTask ReviewAsync(Guid userId, long followerCount, CancellationToken cancellationToken)
    {
        var user = await store.GetAsync(userId, cancellationToken);
        if (user is null)
        {
            return;
        }

        var isInfluencer = options.Value.ToThresholds().StatusFor(user.IsInfluencer, followerCount);
        if (isInfluencer == user.IsInfluencer)
        {
            return;
        }

        var changedOn = time.GetUtcNowMilliseconds();
        var announcement = announcements.Wrap(new InfluencerStatusChanged(userId, isInfluencer, changedOn), time.NewId(), time.GetUtcNow());
        await store.TrySetInfluencerAsync(userId, isInfluencer, changedOn, announcement, cancellationToken);
    }
}
