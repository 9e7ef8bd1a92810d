using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using FluentValidation;
using Mediator;

namespace Feed.Social.Follows.ListFollowing;

/// <summary>Whom a user follows, newest follow first.</summary>
internal sealed record ListFollowing(Guid UserId, int? Limit, string? Cursor) : IQuery<Page<FollowListItem>>;

internal sealed class ListFollowingValidator : AbstractValidator<ListFollowing>
{
    public ListFollowingValidator(PageCursors cursors)
    {
        RuleFor(query => query.Limit).ValidPageSize();
        RuleFor(query => query.Cursor).ValidCursor(cursors, CursorList.Following, query => query.UserId);
    }
}

internal sealed class ListFollowingHandler(IFollowStore follows, ISender sender, PageCursors cursors) : IQueryHandler<ListFollowing, Page<FollowListItem>>
{
    public async ValueTask<Page<FollowListItem>> Handle(ListFollowing query, CancellationToken cancellationToken)
    {
        var limit = PageSize.Resolve(query.Limit);
        var rows = await follows.ListFolloweesAsync(query.UserId, cursors.DecodeOrNull(CursorList.Following, query.UserId, query.Cursor), limit + 1, cancellationToken);
        var page = await FollowListing.ToPageAsync(sender, query.UserId, rows, limit, cancellationToken);
        return new Page<FollowListItem>(page.Items, cursors.EncodeOrNull(CursorList.Following, query.UserId, page.Next));
    }
}
