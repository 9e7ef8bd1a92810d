using Feed.SharedKernel.Problems;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Feed.Users.Profiles.GetPublicProfile;

internal sealed record GetPublicProfile(Guid UserId) : IQuery<PublicProfile>;

internal sealed class GetPublicProfileHandler(IUserStore store) : IQueryHandler<GetPublicProfile, PublicProfile>
{
    public async ValueTask<PublicProfile> Handle(GetPublicProfile query, CancellationToken cancellationToken)
    {
        var user = await store.GetAsync(query.UserId, cancellationToken)
            ?? throw new NotFoundException($"User {query.UserId} does not exist.");
        return PublicProfile.Of(user);
    }
}

internal static class GetPublicProfileEndpoint
{
    public static void Map(IEndpointRouteBuilder users) =>
        users.MapGet("/{user_id:guid}", async (Guid user_id, ISender sender, CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(new GetPublicProfile(user_id), cancellationToken)))
            .WithName("GetPublicProfile")
            .WithSummary("A user's public profile.")
            .Produces<PublicProfile>()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
