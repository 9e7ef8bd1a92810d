using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using FluentValidation;
using Mediator;

namespace Feed.Social.Follows.ListFollowers;

/// <summary>A user's followers, newest follow first.</summary>
internal sealed record ListFollowers(Guid UserId, int? Limit, string? Cursor) : IQuery<Page<FollowListItem>>;

internal sealed class ListFollowersValidator : AbstractValidator<ListFollowers>
{
    public ListFollowersValidator(PageCursors cursors)
    {
        RuleFor(query => query.Limit).ValidPageSize();
        RuleFor(query => query.Cursor).ValidCursor(cursors, CursorList.Followers, query => query.UserId);
    }
}

internal sealed class ListFollowersHandler(IFollowStore follows, ISender sender, PageCursors cursors) : IQueryHandler<ListFollowers, Page<FollowListItem>>
{
    public async ValueTask<Page<FollowListItem>> Handle(ListFollowers query, CancellationToken cancellationToken)
    {
        var limit = PageSize.Resolve(query.Limit);
        var rows = await follows.ListFollowersAsync(query.UserId, cursors.DecodeOrNull(CursorList.Followers, query.UserId, query.Cursor), limit + 1, cancellationToken);
        var page = await FollowListing.ToPageAsync(sender, query.UserId, rows, limit, cancellationToken);
        return new Page<FollowListItem>(page.Items, cursors.EncodeOrNull(CursorList.Followers, query.UserId, page.Next));
    }
}
