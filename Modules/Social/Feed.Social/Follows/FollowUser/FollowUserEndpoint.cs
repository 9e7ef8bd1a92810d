using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Http;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Feed.Social.Follows.FollowUser;

internal static class FollowUserEndpoint
{
    public static void Map(IEndpointRouteBuilder user) =>
        user.MapPost("/follow", async Task<NoContent> (
                [FromRoute(Name = "user_id")] Guid userId, ClaimsPrincipal principal, ISender sender, CancellationToken cancellationToken) =>
            {
                await sender.Send(new FollowUser(principal.GetUserId(), userId), cancellationToken);
                return TypedResults.NoContent();
            })
            .RequireAuthorization()
            .WithName("FollowUser")
            .WithSummary("Follow a user; following again changes nothing.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RateLimited(RateLimitPolicies.Writes);
}
