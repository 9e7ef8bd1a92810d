using Feed.SharedKernel.Paging;
using FluentValidation;

namespace Feed.Social.Follows.ListFollows;

/// <summary>Which side of a user's follows a list shows.</summary>
internal enum FollowDirection
{
    /// <summary>Who follows the user.</summary>
    Followers,

    /// <summary>Whom the user follows.</summary>
    Following,
}

/// <summary>A user's followers or followees, newest follow first.</summary>
internal sealed record ListFollows(Guid UserId, FollowDirection Direction, PageRequest Page) : IQuery<Page<FollowListItem>>
{
    /// <summary>Each direction signs its own cursors: one list's cursor is refused by the other.</summary>
    public CursorList CursorList => Direction == FollowDirection.Followers ? CursorList.Followers : CursorList.Following;
}

internal sealed class ListFollowsValidator : AbstractValidator<ListFollows>
{
    public ListFollowsValidator(PageCursors cursors)
    {
        RuleFor(query => query.Page).ValidPage(cursors, query => query.CursorList, query => query.UserId);
    }
}

internal sealed class ListFollowsHandler(IFollowStore follows, ISender sender, PageCursors cursors) : IQueryHandler<ListFollows, Page<FollowListItem>>
{
    public async ValueTask<Page<FollowListItem>> Handle(ListFollows query, CancellationToken cancellationToken)
    {
        var limit = query.Page.Size;
        var after = cursors.DecodeOrNull(query.CursorList, query.UserId, query.Page.Cursor);
        var rows = query.Direction == FollowDirection.Followers
            ? await follows.ListFollowersAsync(query.UserId, after, limit + 1, cancellationToken)
            : await follows.ListFolloweesAsync(query.UserId, after, limit + 1, cancellationToken);
        var page = await FollowListing.ToPageAsync(sender, query.UserId, rows, limit, cancellationToken);
        return new Page<FollowListItem>(page.Items, cursors.EncodeOrNull(query.CursorList, query.UserId, page.Next));
    }
}

/// <summary>Both lists of a user's follows: one route and one operation each, one query with a direction behind them.</summary>
internal static class ListFollowsEndpoint
{
    [EndpointName("ListFollowers"), EndpointSummary("Who follows a user, newest follow first. Pass next_cursor back as cursor for the next page.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status404NotFound)]
    public static Task<Ok<Page<FollowListItem>>> Followers(
        [FromRoute(Name = "user_id")] Guid userId, [AsParameters] PageRequest page, ISender sender, CancellationToken cancellationToken) =>
        ListAsync(new ListFollows(userId, FollowDirection.Followers, page), sender, cancellationToken);

    [EndpointName("ListFollowing"), EndpointSummary("Whom a user follows, newest follow first. Pass next_cursor back as cursor for the next page.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status404NotFound)]
    public static Task<Ok<Page<FollowListItem>>> Following(
        [FromRoute(Name = "user_id")] Guid userId, [AsParameters] PageRequest page, ISender sender, CancellationToken cancellationToken) =>
        ListAsync(new ListFollows(userId, FollowDirection.Following, page), sender, cancellationToken);

    private static async Task<Ok<Page<FollowListItem>>> ListAsync(ListFollows query, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(query, cancellationToken));
}
