using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Feed.Social.Users;
using FluentValidation;
using Mediator;

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

internal sealed class FollowUserHandler(IFollowStore follows, ISender sender, IPublisher publisher, TimeProvider time)
    : ICommandHandler<FollowUser>
{
    public async ValueTask<Unit> Handle(FollowUser command, CancellationToken cancellationToken)
    {
        await sender.RequireUserAsync(command.UserId, cancellationToken);

        var followedOn = time.GetUtcNowMilliseconds();
        var change = await follows.FollowAsync(command.FollowerId, command.UserId, followedOn, cancellationToken);
        if (change.Changed)
        {
            // Saved: the follow's consequences (backfill, influencer switch) must not be dropped on a client disconnect.
            await publisher.Publish(
                new UserFollowed(command.FollowerId, command.UserId, followedOn, change.FolloweeFollowerCount),
                CancellationToken.None);
        }

        return Unit.Value;
    }
}
