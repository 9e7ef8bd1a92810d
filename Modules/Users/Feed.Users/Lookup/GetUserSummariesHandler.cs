using Feed.Users.Contracts;
using Mediator;

namespace Feed.Users.Lookup;

/// <summary>Answers other modules' look-ups of users by id with the non-sensitive summary only.</summary>
internal sealed class GetUserSummariesHandler(IUserStore store)
    : IQueryHandler<GetUserSummaries, IReadOnlyDictionary<Guid, UserSummary>>
{
    public async ValueTask<IReadOnlyDictionary<Guid, UserSummary>> Handle(GetUserSummaries query, CancellationToken cancellationToken)
    {
        if (query.UserIds.Count == 0)
        {
            return new Dictionary<Guid, UserSummary>();
        }

        var users = await store.GetManyAsync(query.UserIds, cancellationToken);
        return users.ToDictionary(user => user.UserId, user => new UserSummary(user.UserId, user.Username, user.IsInfluencer));
    }
}
