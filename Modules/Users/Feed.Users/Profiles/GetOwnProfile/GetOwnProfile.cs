using Feed.SharedKernel.Problems;

namespace Feed.Users.Profiles.GetOwnProfile;

internal sealed record GetOwnProfile(Guid UserId) : IQuery<OwnProfile>;

internal sealed class GetOwnProfileHandler(IUserStore store) : IQueryHandler<GetOwnProfile, OwnProfile>
{
    public async ValueTask<OwnProfile> Handle(GetOwnProfile query, CancellationToken cancellationToken)
    {
        var user = await store.GetAsync(query.UserId, cancellationToken)
            ?? throw new NotFoundException("The authenticated user does not exist.");
        return OwnProfile.Of(user);
    }
}

internal static class GetOwnProfileEndpoint
{
    [Authorize]
    [EndpointName("GetOwnProfile"), EndpointSummary("The authenticated user's own profile, with contact details.")]
    [ProducesProblem(StatusCodes.Status401Unauthorized), ProducesProblem(StatusCodes.Status404NotFound)]
    public static async Task<Ok<OwnProfile>> Handle(ClaimsPrincipal principal, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetOwnProfile(principal.GetUserId()), cancellationToken));
}
