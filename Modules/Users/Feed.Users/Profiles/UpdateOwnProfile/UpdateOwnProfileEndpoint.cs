using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Feed.Users.Profiles.UpdateOwnProfile;

internal static class UpdateOwnProfileEndpoint
{
    public static void Map(IEndpointRouteBuilder users) =>
        users.MapPatch("/me", async (UpdateOwnProfileBody body, ClaimsPrincipal principal, ISender sender, CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(body.ToCommand(principal.GetUserId()), cancellationToken)))
            .RequireAuthorization()
            .WithName("UpdateOwnProfile")
            .WithSummary("Changes the authenticated user's profile; absent or null fields stay as they are.")
            .WithRequestExample(new UpdateOwnProfileBody(Location: "Marylebone, London", Phone: "+44 20 7946 0000"))
            .Produces<OwnProfile>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
