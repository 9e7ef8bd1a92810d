using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using FluentValidation;
using Mediator;

namespace Feed.Social.Follows.ListFollowing;

/// <summary>Whom a user follows, newest follow first.</summary>
internal sealed record ListFollowing(Guid UserId, int? Limit, string? Cursor) : IQuery<Page<FollowListItem>>;

internal sealed class ListFollowingValidator : AbstractValidator<ListFollowing>
{
    public ListFollowingValidator()
    {
        RuleFor(query => query.Limit).ValidPageSize();
        RuleFor(query => query.Cursor).ValidCursor();
    }
}

internal sealed class ListFollowingHandler(IFollowStore follows, ISender sender) : IQueryHandler<ListFollowing, Page<FollowListItem>>
{
    public async ValueTask<Page<FollowListItem>> Handle(ListFollowing query, CancellationToken cancellationToken)
    {
        var limit = PageSize.Resolve(query.Limit);
        var rows = await follows.ListFolloweesAsync(query.UserId, Cursor.DecodeOrNull(query.Cursor), limit + 1, cancellationToken);
        return await FollowListing.ToPageAsync(sender, query.UserId, rows, limit, cancellationToken);
    }
}
