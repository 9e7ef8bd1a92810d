using Mediator;

namespace Feed.Social.Follows.GetFolloweeIds;

internal sealed class GetFolloweeIdsHandler(IFollowStore follows) : IQueryHandler<Contracts.GetFolloweeIds, IReadOnlyList<Guid>>
{
    public ValueTask<IReadOnlyList<Guid>> Handle(Contracts.GetFolloweeIds query, CancellationToken cancellationToken) =>
        follows.ListAllFolloweeIdsAsync(query.FollowerId, cancellationToken);
}
