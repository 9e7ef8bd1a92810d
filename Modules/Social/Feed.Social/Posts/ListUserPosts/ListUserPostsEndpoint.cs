using Feed.SharedKernel.Paging;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Feed.Social.Posts.ListUserPosts;

internal static class ListUserPostsEndpoint
{
    public static void Map(IEndpointRouteBuilder userPosts) =>
        userPosts.MapGet(string.Empty, async Task<Ok<Page<PostResponse>>> (
                [FromRoute(Name = "user_id")] Guid userId,
                [AsParameters] PageRequest page,
                ISender sender,
                CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(new ListUserPosts(userId, page), cancellationToken)))
            .WithName("ListUserPosts")
            .WithSummary("A user's posts, newest first; pass next_cursor back as cursor for the next page.")
            .Produces<Page<PostResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
