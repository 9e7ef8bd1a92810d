using Feed.Social.Contracts;
using Feed.Social.Users;
using Mediator;

namespace Feed.Social.Follows.UnfollowUser;

/// <summary><paramref name="FollowerId"/> (the authenticated user) stops following <paramref name="UserId"/>.</summary>
internal sealed record UnfollowUser(Guid FollowerId, Guid UserId) : ICommand;

internal sealed class UnfollowUserHandler(IFollowStore follows, ISender sender, IPublisher publisher)
    : ICommandHandler<UnfollowUser>
{
    public async ValueTask<Unit> Handle(UnfollowUser command, CancellationToken cancellationToken)
    {
        await sender.RequireUserAsync(command.UserId, cancellationToken);

        var change = await follows.UnfollowAsync(command.FollowerId, command.UserId, cancellationToken);
        if (change.Changed)
        {
            await publisher.Publish(
                new UserUnfollowed(command.FollowerId, command.UserId, change.FolloweeFollowerCount),
                CancellationToken.None);
        }

        return Unit.Value;
    }
}
