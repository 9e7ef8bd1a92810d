using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Feed.Social.Users;

namespace Feed.Social.Follows.UnfollowUser;

/// <summary><paramref name="FollowerId"/> (the authenticated user) stops following <paramref name="UserId"/>.</summary>
internal sealed record UnfollowUser(Guid FollowerId, Guid UserId) : ICommand;

internal sealed class UnfollowUserHandler(IFollowStore follows, ISender sender, OutboxMessageTypes announcements, IPublisher publisher, TimeProvider time)
    : ICommandHandler<UnfollowUser>
{
    public async ValueTask<Unit> Handle(UnfollowUser command, CancellationToken cancellationToken)
    {
        await sender.RequireUserAsync(command.UserId, cancellationToken);

        // Announced only when a follow was removed, in the same atomic step, with the count after it.
        var announcedOn = time.GetUtcNow();
        var messageId = time.NewId();
        await follows.UnfollowAsync(
            command.FollowerId,
            command.UserId,
            followerCount => announcements.Wrap(
                new UserUnfollowed(command.FollowerId, command.UserId, followerCount), messageId, announcedOn),
            cancellationToken);

        // The timeline this user reads next must already reflect the follow graph they just changed.
        await publisher.Publish(new FollowingChanged(command.FollowerId), cancellationToken);
        return Unit.Value;
    }
}

internal static class UnfollowUserEndpoint
{
    [Authorize, EnableRateLimiting(RateLimitPolicies.Writes)]
    [EndpointName("UnfollowUser"), EndpointSummary("Stop following a user; unfollowing someone you do not follow changes nothing.")]
    [ProducesProblem(StatusCodes.Status401Unauthorized), ProducesProblem(StatusCodes.Status404NotFound)]
    public static async Task<NoContent> Handle([FromRoute(Name = "user_id")] Guid userId, ClaimsPrincipal principal, ISender sender, CancellationToken cancellationToken)
    {
        await sender.Send(new UnfollowUser(principal.GetUserId(), userId), cancellationToken);
        return TypedResults.NoContent();
    }
}
