using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Http;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Feed.Social.Follows.UnfollowUser;

internal static class UnfollowUserEndpoint
{
    public static void Map(IEndpointRouteBuilder user) =>
        user.MapDelete("/follow", async Task<NoContent> (
                [FromRoute(Name = "user_id")] Guid userId, ClaimsPrincipal principal, ISender sender, CancellationToken cancellationToken) =>
            {
                await sender.Send(new UnfollowUser(principal.GetUserId(), userId), cancellationToken);
                return TypedResults.NoContent();
            })
            .RequireAuthorization()
            .WithName("UnfollowUser")
            .WithSummary("Stop following a user; unfollowing someone you do not follow changes nothing.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RateLimited(RateLimitPolicies.Writes);
}
