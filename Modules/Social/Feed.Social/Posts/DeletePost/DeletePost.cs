namespace Feed.Social.Posts.DeletePost;

/// <summary>Deletes a post on behalf of <paramref name="RequestedBy"/>, who must be its author.</summary>
internal sealed record DeletePost(Guid PostId, Guid RequestedBy) : ICommand;

internal static class DeletePostEndpoint
{
    [Authorize, EnableRateLimiting(RateLimitPolicies.Writes)]
    [EndpointName("DeletePost"), EndpointSummary("Delete one of your own posts; it leaves every timeline.")]
    [ProducesProblem(StatusCodes.Status401Unauthorized), ProducesProblem(StatusCodes.Status403Forbidden), ProducesProblem(StatusCodes.Status404NotFound)]
    public static async Task<NoContent> Handle([FromRoute(Name = "post_id")] Guid postId, ClaimsPrincipal user, ISender sender, CancellationToken cancellationToken)
    {
        await sender.Send(new DeletePost(postId, user.GetUserId()), cancellationToken);
        return TypedResults.NoContent();
    }
}
