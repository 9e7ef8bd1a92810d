using Feed.SharedKernel.Http;
using Feed.SharedKernel.OpenApi;
using Feed.Users.Profiles;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Feed.Users.Registration.RegisterUser;

internal static class RegisterUserEndpoint
{
    public static void Map(IEndpointRouteBuilder users) =>
        users.MapPost("", async (RegisterUser request, ISender sender, CancellationToken cancellationToken) =>
            {
                var profile = await sender.Send(request, cancellationToken);
                return TypedResults.Created($"/api/users/{profile.UserId}", profile);
            })
            .WithName("RegisterUser")
            .WithSummary("Registers a new user.")
            .WithRequestExample(new RegisterUser("ada", "Ada", "Lovelace", "ada@example.com", "analytical-engine", Location: "London"))
            .Produces<OwnProfile>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RateLimited(RateLimitPolicies.Registration);
}
