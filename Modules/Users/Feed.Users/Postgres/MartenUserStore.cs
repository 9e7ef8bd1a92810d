using Feed.SharedKernel.Outbox;
using Marten;
using Npgsql;

namespace Feed.Users.Postgres;

/// <summary>
/// Users in PostgreSQL as Marten documents. Uniqueness is left to the unique indexes on the
/// lower-cased username and email (a clash is read back from the violated index's name), and every
/// read-modify-write holds the user's row lock, so the influencer compare-and-set and profile updates
/// never lose each other's changes. The influencer switch commits with its outbox message (whose commit
/// wakes the dispatcher).
/// </summary>
internal sealed class MartenUserStore(IDocumentStore store, OutboxSignal outbox) : IUserStore
{
    public async ValueTask<UserWriteOutcome> AddAsync(User user, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        session.Insert(UserDocument.From(user));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return UserWriteOutcome.Done;
        }
        catch (Exception exception) when (ClashOf(exception) is { } clash)
        {
            return clash;
        }
    }

    public async ValueTask<User?> GetAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var document = await session.LoadAsync<UserDocument>(userId, cancellationToken);
        return document?.ToUser();
    }

    public async ValueTask<User?> FindByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var found = await session.QueryAsync<UserDocument>(
            $"where {UserDocumentMapping.UsernameKeyOrdinal} = ?", cancellationToken, User.NormalizeKey(username));
        return found.Count == 0 ? null : found[0].ToUser();
    }

    public async ValueTask<IReadOnlyList<User>> GetManyAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        await using var session = store.QuerySession();
        var found = await session.LoadManyAsync<UserDocument>(cancellationToken, userIds.Distinct());
        return [.. found.Select(document => document.ToUser())];
    }

    public async ValueTask<UserUpdateResult> UpdateProfileAsync(Guid userId, ProfileChanges changes, DateTimeOffset updatedOn, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var current = await LockAsync(session, userId, cancellationToken);
        if (current is null)
        {
            return UserUpdateResult.NotFound;
        }

        if (!changes.WereCheckedAgainst(current.ToUser()))
        {
            return UserUpdateResult.PasswordChanged;
        }

        var updated = changes.ApplyTo(current.ToUser(), updatedOn);
        session.Update(UserDocument.From(updated));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
            return UserUpdateResult.Done(updated);
        }
        catch (Exception exception) when (ClashOf(exception) == UserWriteOutcome.EmailTaken)
        {
            return UserUpdateResult.EmailTaken;
        }
    }

    public async ValueTask<bool> TrySetInfluencerAsync(Guid userId, bool isInfluencer, DateTimeOffset changedOn, OutboxMessage announcement, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var current = await LockAsync(session, userId, cancellationToken);
        if (current is null || current.IsInfluencer == isInfluencer)
        {
            return false;
        }

        current.IsInfluencer = isInfluencer;
        current.UpdatedOn = changedOn;
        session.Update(current);
        PostgresOutbox.Queue(session, announcement);
        await session.SaveChangesAsync(cancellationToken);
        outbox.Wake();
        return true;
    }

    public async ValueTask<IReadOnlyList<User>> SearchByUsernamePrefixAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
        {
            return [];
        }

        // A LIKE pattern with a literal prefix is a range scan of the "C"-collated index, already in order.
        await using var session = store.QuerySession();
        var found = await session.QueryAsync<UserDocument>(
            $"where {UserDocumentMapping.UsernameKeyOrdinal} like ? order by {UserDocumentMapping.UsernameKeyOrdinal} limit ?",
            cancellationToken,
            EscapeLike(User.NormalizeKey(prefix)) + "%",
            limit);
        return [.. found.Select(document => document.ToUser())];
    }

    /// <summary>
    /// Opens the session's transaction and reads the user with its row locked until the session
    /// saves or is disposed: concurrent writers of the same user queue here instead of overwriting.
    /// </summary>
    private static async Task<UserDocument?> LockAsync(IDocumentSession session, Guid userId, CancellationToken cancellationToken)
    {
        await session.BeginTransactionAsync(cancellationToken);
        var found = await session.QueryAsync<UserDocument>("where id = ? for update", cancellationToken, userId);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Which unique field a failed write clashed on, or null when it failed for another reason.</summary>
    private static UserWriteOutcome? ClashOf(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } violation)
            {
                return violation.ConstraintName switch
                {
                    UserDocumentMapping.UsernameKeyIndex => UserWriteOutcome.UsernameTaken,
                    UserDocumentMapping.EmailKeyIndex => UserWriteOutcome.EmailTaken,
                    _ => null,
                };
            }
        }

        return null;
    }

    // Usernames may contain '_', which LIKE would otherwise read as "any character".
    private static string EscapeLike(string value) =>
        value.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
}
