using Feed.Social.Contracts;
using FluentValidation;
using Mediator;

namespace Feed.Social.Posts.GetRecentPosts;

internal sealed class GetRecentPostsValidator : AbstractValidator<Contracts.GetRecentPosts>
{
    public const int MaxLimit = 10_000;

    public GetRecentPostsValidator()
    {
        RuleFor(query => query.Limit).InclusiveBetween(1, MaxLimit)
            .WithMessage($"'limit' must be between 1 and {MaxLimit}.");
    }
}

internal sealed class GetRecentPostsHandler(IPostStore posts) : IQueryHandler<Contracts.GetRecentPosts, IReadOnlyList<PostSummary>>
{
    public async ValueTask<IReadOnlyList<PostSummary>> Handle(Contracts.GetRecentPosts query, CancellationToken cancellationToken)
    {
        var rows = await posts.ListByAuthorAsync(query.AuthorId, after: null, query.Limit, cancellationToken);
        return rows.Select(post => new PostSummary(post.PostId, post.UserId, post.PostUrl, post.PostType, post.CreatedOn)).ToArray();
    }
}
