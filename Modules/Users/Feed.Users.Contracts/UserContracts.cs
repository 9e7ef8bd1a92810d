using Mediator;

namespace Feed.Users.Contracts;

/// <summary>What other modules may know about a user: never email, phone, age or credentials.</summary>
public sealed record UserSummary(Guid UserId, string Username, bool IsInfluencer);

/// <summary>Looks up users by id; unknown ids are simply absent from the result.</summary>
public sealed record GetUserSummaries(IReadOnlyCollection<Guid> UserIds) : IQuery<IReadOnlyDictionary<Guid, UserSummary>>;

/// <summary>Published when a user starts (true) or stops (false) being an influencer: their posts switch between pull and push.</summary>
public sealed record InfluencerStatusChanged(Guid UserId, bool IsInfluencer, DateTimeOffset ChangedOn) : INotification;

/// <summary>
/// Whether a sign-in is still good: the user exists and the security stamp a token of theirs carries is still
/// theirs (a new password changes it and ends every token issued before). For what outlives one request, such as
/// a live stream opened with a token.
/// </summary>
public sealed record IsSignInCurrent(Guid UserId, string? SecurityStamp) : IQuery<bool>;
