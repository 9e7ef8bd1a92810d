using Feed.SharedKernel.Problems;

namespace Feed.Social.Posts.GetPost;

internal sealed record GetPost(Guid PostId) : IQuery<PostResponse>;

internal sealed class GetPostHandler(IPostStore posts) : IQueryHandler<GetPost, PostResponse>
{
    public async ValueTask<PostResponse> Handle(GetPost query, CancellationToken cancellationToken)
    {
        var post = await posts.GetAsync(query.PostId, cancellationToken)
            ?? throw new NotFoundException($"Post {query.PostId} does not exist.");
        return PostResponse.From(post);
    }
}

internal static class GetPostEndpoint
{
    [EndpointName("GetPost"), EndpointSummary("Read one post.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public static async Task<Ok<PostResponse>> Handle([FromRoute(Name = "post_id")] Guid postId, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetPost(postId), cancellationToken));
}
