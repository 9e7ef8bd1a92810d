using Feed.Users.Contracts;
using Mediator;

namespace Feed.Users.Authentication;

/// <summary>Answers the token check for what outlives a request (a live stream), from the same remembered stamps.</summary>
internal sealed class IsSignInCurrentHandler(CurrentUserTokens tokens) : IQueryHandler<IsSignInCurrent, bool>
{
    public ValueTask<bool> Handle(IsSignInCurrent query, CancellationToken cancellationToken) =>
        tokens.IsCurrentAsync(query.UserId, query.SecurityStamp, cancellationToken);
}
