using Feed.SharedKernel.Paging;
using Feed.Social.Paging;
using Feed.Social.Users;
using FluentValidation;

namespace Feed.Social.Posts.ListUserPosts;

/// <summary>A user's posts, newest first, one page at a time.</summary>
internal sealed record ListUserPosts(Guid UserId, PageRequest Page) : IQuery<Page<PostResponse>>;

internal sealed class ListUserPostsValidator : AbstractValidator<ListUserPosts>
{
    public ListUserPostsValidator(PageCursors cursors)
    {
        RuleFor(query => query.Page).ValidPage(cursors, _ => CursorList.UserPosts, query => query.UserId);
    }
}

internal sealed class ListUserPostsHandler(IPostStore posts, ISender sender, PageCursors cursors) : IQueryHandler<ListUserPosts, Page<PostResponse>>
{
    public async ValueTask<Page<PostResponse>> Handle(ListUserPosts query, CancellationToken cancellationToken)
    {
        await sender.RequireUserAsync(query.UserId, cancellationToken);

        var limit = query.Page.Size;
        var after = cursors.DecodeOrNull(CursorList.UserPosts, query.UserId, query.Page.Cursor);
        var rows = await posts.ListByAuthorAsync(query.UserId, after, limit + 1, cancellationToken);
        var (page, next) = NewestFirstPage.Cut(rows, limit, post => new SequenceKey(post.CreatedOn, post.PostId));
        return new Page<PostResponse>(page.Select(PostResponse.From).ToArray(), cursors.EncodeOrNull(CursorList.UserPosts, query.UserId, next));
    }
}

internal static class ListUserPostsEndpoint
{
    [EndpointName("ListUserPosts"), EndpointSummary("A user's posts, newest first; pass next_cursor back as cursor for the next page.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status404NotFound)]
    public static async Task<Ok<Page<PostResponse>>> Handle(
        [FromRoute(Name = "user_id")] Guid userId, [AsParameters] PageRequest page, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new ListUserPosts(userId, page), cancellationToken));
}
