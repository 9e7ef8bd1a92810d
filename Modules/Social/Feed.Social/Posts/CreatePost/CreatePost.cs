namespace Feed.Social.Posts.CreatePost;

/// <summary>The JSON body of <c>POST /api/posts</c>.</summary>
internal sealed record CreatePostRequest(string? PostUrl, string? PostType);

/// <summary>Publishes a post as <paramref name="UserId"/> (the authenticated user).</summary>
internal sealed record CreatePost(Guid UserId, string? PostUrl, string? PostType) : ICommand<PostResponse>;

internal static class CreatePostEndpoint
{
    public static readonly CreatePostRequest Example = new("https://images.example.com/1.jpg", "image");

    [Authorize, EnableRateLimiting(RateLimitPolicies.Writes)]
    [EndpointName("CreatePost"), EndpointSummary("Publish a post as the authenticated user.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status401Unauthorized)]
    public static async Task<Created<PostResponse>> Handle([FromBody] CreatePostRequest request, ClaimsPrincipal user, ISender sender, CancellationToken cancellationToken)
    {
        var post = await sender.Send(new CreatePost(user.GetUserId(), request.PostUrl, request.PostType), cancellationToken);
        return TypedResults.Created($"/api/posts/{post.PostId}", post);
    }
}
