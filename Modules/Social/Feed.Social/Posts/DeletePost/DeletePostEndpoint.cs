using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Http;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Feed.Social.Posts.DeletePost;

internal static class DeletePostEndpoint
{
    public static void Map(IEndpointRouteBuilder posts) =>
        posts.MapDelete("/{post_id:guid}", async Task<NoContent> (
                [FromRoute(Name = "post_id")] Guid postId, ClaimsPrincipal user, ISender sender, CancellationToken cancellationToken) =>
            {
                await sender.Send(new DeletePost(postId, user.GetUserId()), cancellationToken);
                return TypedResults.NoContent();
            })
            .RequireAuthorization()
            .WithName("DeletePost")
            .WithSummary("Delete one of your own posts; it leaves every timeline.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RateLimited(RateLimitPolicies.Writes);
}
