using Feed.SharedKernel.Outbox;

namespace Feed.Users;

/// <summary>
/// Where user accounts live. Uniqueness of username and email (case-insensitive) and the
/// influencer flag are enforced by the store itself, atomically, so concurrent requests cannot
/// break them. Shaped after the <c>users</c> table: every read is by key, except the prefix search,
/// which a secondary index on the normalized username serves.
/// </summary>
internal interface IUserStore
{
    /// <summary>Adds a new user unless its username or email is taken (case-insensitive).</summary>
    ValueTask<UserWriteOutcome> AddAsync(User user, CancellationToken cancellationToken);

    ValueTask<User?> GetAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>Finds a user by username, ignoring case.</summary>
    ValueTask<User?> FindByUsernameAsync(string username, CancellationToken cancellationToken);

    /// <summary>The users with the given ids; unknown ids are absent from the result.</summary>
    ValueTask<IReadOnlyList<User>> GetManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="changes"/> to the current user and sets <c>updated_on</c>, unless the new
    /// email belongs to another user or the password hash is no longer <see cref="ProfileChanges.CheckedPasswordHash"/>
    /// (when given). Fields not in the changes (username, influencer flag) are kept.
    /// </summary>
    ValueTask<UserUpdateResult> UpdateProfileAsync(Guid userId, ProfileChanges changes, DateTimeOffset updatedOn, CancellationToken cancellationToken);

    /// <summary>
    /// Compare-and-set of the influencer flag: sets it to <paramref name="isInfluencer"/> only when it
    /// currently differs, and then stores <paramref name="announcement"/> in the outbox with the change (one
    /// transaction), so exactly one caller announces it and a crash cannot lose it. True when this call changed it.
    /// </summary>
    ValueTask<bool> TrySetInfluencerAsync(Guid userId, bool isInfluencer, DateTimeOffset changedOn, OutboxMessage announcement, CancellationToken cancellationToken);

    /// <summary>Users whose username starts with <paramref name="prefix"/> (ignoring case), ordered by normalized username.</summary>
    ValueTask<IReadOnlyList<User>> SearchByUsernamePrefixAsync(string prefix, int limit, CancellationToken cancellationToken);
}

internal enum UserWriteOutcome
{
    Done,
    NotFound,
    UsernameTaken,
    EmailTaken,

    /// <summary>The password hash is no longer the one the changes were checked against (<see cref="ProfileChanges.CheckedPasswordHash"/>).</summary>
    PasswordChanged,
}

/// <summary>The outcome of a profile update and, when it is <see cref="UserWriteOutcome.Done"/>, the updated user.</summary>
internal sealed record UserUpdateResult(UserWriteOutcome Outcome, User? User)
{
    public static readonly UserUpdateResult NotFound = new(UserWriteOutcome.NotFound, null);

    public static readonly UserUpdateResult EmailTaken = new(UserWriteOutcome.EmailTaken, null);

    public static readonly UserUpdateResult PasswordChanged = new(UserWriteOutcome.PasswordChanged, null);

    public static UserUpdateResult Done(User user) => new(UserWriteOutcome.Done, user);
}
