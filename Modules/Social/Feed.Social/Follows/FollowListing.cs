using Feed.SharedKernel.Paging;
using Feed.Social.Paging;
using Feed.Social.Users;
using Mediator;

namespace Feed.Social.Follows;

/// <summary>A page of a follow list: page cutting and one user lookup per page.</summary>
internal static class FollowListing
{
    /// <summary>
    /// Cuts the page from rows read with <c>limit + 1</c> and names them with one query to Users,
    /// which also answers whether <paramref name="userId"/> exists (404 otherwise).
    /// </summary>
    public static async ValueTask<(FollowListItem[] Items, Cursor? Next)> ToPageAsync(
        ISender sender, Guid userId, IReadOnlyList<FollowEntry> rows, int limit, CancellationToken cancellationToken)
    {
        var (page, next) = NewestFirstPage.Cut(rows, limit, entry => new SequenceKey(entry.FollowedOn, entry.UserId));
        var users = await sender.RequireUserAsync(userId, page.Select(entry => entry.UserId), cancellationToken);

        // A row whose user Users no longer knows is left out; the cursor still moves past it.
        var items = page
            .Where(entry => users.ContainsKey(entry.UserId))
            .Select(entry => new FollowListItem(entry.UserId, users[entry.UserId].Username, entry.FollowedOn))
            .ToArray();
        return (items, next);
    }
}
