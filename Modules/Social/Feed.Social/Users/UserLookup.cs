using Feed.SharedKernel.Problems;
using Feed.Users.Contracts;
using Mediator;

namespace Feed.Social.Users;

/// <summary>Asks the Users module about users; Social keeps no copy of them.</summary>
internal static class UserLookup
{
    /// <summary>
    /// Looks up <paramref name="userId"/> together with <paramref name="alsoWanted"/> in one query,
    /// and fails with 404 when <paramref name="userId"/> is unknown.
    /// </summary>
    public static async ValueTask<IReadOnlyDictionary<Guid, UserSummary>> RequireUserAsync(
        this ISender sender, Guid userId, IEnumerable<Guid> alsoWanted, CancellationToken cancellationToken)
    {
        var ids = new HashSet<Guid>(alsoWanted) { userId };
        var users = await sender.Send(new GetUserSummaries(ids), cancellationToken);
        return users.ContainsKey(userId) ? users : throw new NotFoundException($"User {userId} does not exist.");
    }

    public static ValueTask<IReadOnlyDictionary<Guid, UserSummary>> RequireUserAsync(
        this ISender sender, Guid userId, CancellationToken cancellationToken) =>
        sender.RequireUserAsync(userId, [], cancellationToken);
}
