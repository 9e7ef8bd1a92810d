using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using FluentValidation;
using Mediator;

namespace Feed.Social.Follows.ListFollowers;

/// <summary>A user's followers, newest follow first.</summary>
internal sealed record ListFollowers(Guid UserId, int? Limit, string? Cursor) : IQuery<Page<FollowListItem>>;

internal sealed class ListFollowersValidator : AbstractValidator<ListFollowers>
{
    public ListFollowersValidator()
    {
        RuleFor(query => query.Limit).ValidPageSize();
        RuleFor(query => query.Cursor).ValidCursor();
    }
}

internal sealed class ListFollowersHandler(IFollowStore follows, ISender sender) : IQueryHandler<ListFollowers, Page<FollowListItem>>
{
    public async ValueTask<Page<FollowListItem>> Handle(ListFollowers query, CancellationToken cancellationToken)
    {
        var limit = PageSize.Resolve(query.Limit);
        var rows = await follows.ListFollowersAsync(query.UserId, Cursor.DecodeOrNull(query.Cursor), limit + 1, cancellationToken);
        return await FollowListing.ToPageAsync(sender, query.UserId, rows, limit, cancellationToken);
    }
}
