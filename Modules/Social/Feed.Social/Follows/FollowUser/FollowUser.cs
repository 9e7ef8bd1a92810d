using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Feed.Social.Users;
using FluentValidation;

namespace Feed.Social.Follows.FollowUser;

/// <summary><paramref name="FollowerId"/> (the authenticated user) follows <paramref name="UserId"/>.</summary>
internal sealed record FollowUser(Guid FollowerId, Guid UserId) : ICommand;

internal sealed class FollowUserValidator : AbstractValidator<FollowUser>
{
    public FollowUserValidator()
    {
        RuleFor(command => command.UserId).NotEqual(command => command.FollowerId)
            .WithMessage("'user_id' is you; you cannot follow yourself.");
    }
}

internal sealed class FollowUserHandler(IFollowStore follows, ISender sender, OutboxMessageTypes announcements, IPublisher publisher, TimeProvider time)
    : ICommandHandler<FollowUser>
{
    public async ValueTask<Unit> Handle(FollowUser command, CancellationToken cancellationToken)
    {
        await sender.RequireUserAsync(command.UserId, cancellationToken);

        // The store stores the announcement with the follow (only if it is new), carrying the count
        // after it: the follow's consequences (backfill, influencer switch) survive crashes and disconnects.
        // Stamped at full precision so an unfollow in the same millisecond is still delivered after it.
        var announcedOn = time.GetUtcNow();
        var followedOn = time.GetUtcNowMilliseconds();
        var messageId = time.NewId();
        await follows.FollowAsync(
            command.FollowerId,
            command.UserId,
            followedOn,
            followerCount => announcements.Wrap(
                new UserFollowed(command.FollowerId, command.UserId, followedOn, followerCount), messageId, announcedOn),
            cancellationToken);

        // The timeline this user reads next must already reflect the follow graph they just changed.
        await publisher.Publish(new FollowingChanged(command.FollowerId), cancellationToken);
        return Unit.Value;
    }
}

internal static class FollowUserEndpoint
{
    [Authorize, EnableRateLimiting(RateLimitPolicies.Writes)]
    [EndpointName("FollowUser"), EndpointSummary("Follow a user; following again changes nothing.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status401Unauthorized), ProducesProblem(StatusCodes.Status404NotFound)]
    public static async Task<NoContent> Handle([FromRoute(Name = "user_id")] Guid userId, ClaimsPrincipal principal, ISender sender, CancellationToken cancellationToken)
    {
        await sender.Send(new FollowUser(principal.GetUserId(), userId), cancellationToken);
        return TypedResults.NoContent();
    }
}
