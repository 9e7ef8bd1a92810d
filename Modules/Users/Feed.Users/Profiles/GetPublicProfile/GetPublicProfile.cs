using Feed.SharedKernel.Problems;

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
    [EndpointName("GetPublicProfile"), EndpointSummary("A user's public profile.")]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public static async Task<Ok<PublicProfile>> Handle(Guid user_id, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetPublicProfile(user_id), cancellationToken));
}
