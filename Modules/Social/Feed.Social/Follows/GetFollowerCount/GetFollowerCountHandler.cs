using Mediator;

namespace Feed.Social.Follows.GetFollowerCount;

/// <summary>The user's follower count now (Users re-evaluates the influencer status from it, not from a message's count).</summary>
internal sealed class GetFollowerCountHandler(IFollowStore follows) : IQueryHandler<Contracts.GetFollowerCount, long>
{
    public ValueTask<long> Handle(Contracts.GetFollowerCount query, CancellationToken cancellationToken) =>
        follows.CountFollowersAsync(query.UserId, cancellationToken);
}
