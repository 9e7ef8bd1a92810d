using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Users.Influence;

/// <summary>
/// Re-evaluates the followee's influencer status whenever their follower count changes, and
/// announces a change exactly once: the store's compare-and-set lets only one of several
/// concurrent notifications make (and so publish) the same change.
/// </summary>
internal sealed class FollowerCountChangedHandler(
    IUserStore store,
    IPublisher publisher,
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
        if (await store.TrySetInfluencerAsync(userId, isInfluencer, changedOn, cancellationToken))
        {
            await publisher.Publish(new InfluencerStatusChanged(userId, isInfluencer, changedOn), cancellationToken);
        }
    }
}
