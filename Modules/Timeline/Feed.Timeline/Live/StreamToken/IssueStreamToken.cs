using Microsoft.Extensions.Options;

namespace Feed.Timeline.Live.StreamToken;

/// <summary>A short-lived token that opens the caller's live timeline stream (<see cref="StreamTokens"/>).</summary>
internal sealed record IssueStreamToken(Guid UserId, string Username, string? SecurityStamp) : ICommand<IssuedStreamToken>;

internal sealed record IssuedStreamToken(string AccessToken, int ExpiresIn);

internal sealed class IssueStreamTokenHandler(IOptions<FeedAuthOptions> authOptions, IOptions<LiveOptions> liveOptions, TimeProvider time)
    : ICommandHandler<IssueStreamToken, IssuedStreamToken>
{
    public ValueTask<IssuedStreamToken> Handle(IssueStreamToken command, CancellationToken cancellationToken)
    {
        var auth = authOptions.Value;
        var lifetime = liveOptions.Value.StreamTokenLifetime;
        // The caller's stamp goes in: a password change ends stream tokens too.
        var token = auth.CreateToken(command.UserId, command.Username, command.SecurityStamp ?? string.Empty, StreamTokens.Audience(auth), time.GetUtcNow().UtcDateTime, lifetime);
        return ValueTask.FromResult(new IssuedStreamToken(token, (int)lifetime.TotalSeconds));
    }
}

internal static class IssueStreamTokenEndpoint
{
    [Authorize, EnableRateLimiting(RateLimitPolicies.StreamToken)]
    [EndpointName("IssueStreamToken"), EndpointSummary("Issues a short-lived token that opens the caller's live timeline stream.")]
    [EndpointDescription("For clients that cannot send an Authorization header on the stream (a browser's EventSource): pass access_token as the access_token query parameter of GET /api/timeline/stream. It opens the stream only, and expires after expires_in seconds; ask for a new one to reconnect.")]
    [ProducesProblem(StatusCodes.Status401Unauthorized)]
    public static async Task<Ok<IssuedStreamToken>> Handle(ClaimsPrincipal user, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(
            new IssueStreamToken(user.GetUserId(), user.FindFirstValue("name") ?? string.Empty, user.FindFirstValue(FeedAuthOptions.SecurityStampClaim)),
            cancellationToken));
}
