using System.Collections.Concurrent;
using Feed.SharedKernel.Problems;
using Npgsql;
using NpgsqlTypes;

namespace Feed.SharedKernel.Storage;

/// <summary>
/// Which users exist, as a store checks it inside its own write: a post or a follow naming a user
/// that does not exist is refused by the store itself, whatever the request path above it (the
/// PostgreSQL check is what a foreign key would do, without tying the modules' schemas together).
/// </summary>
public static class RegisteredUsers
{
    /// <summary>The Users module's table (Marten's document table for its users, alias <c>users</c>).</summary>
    public const string PostgresTable = "mt_doc_users";

    /// <summary>
    /// Fails unless every one of <paramref name="userIds"/> exists, and keeps them from being
    /// removed until <paramref name="transaction"/> ends (a key-share lock, as a foreign key takes).
    /// </summary>
    public static async Task RequireAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        var wanted = userIds.Distinct().ToArray();
        await using var check = new NpgsqlCommand(
            $"SELECT id FROM {PostgresTable} WHERE id = ANY($1) FOR KEY SHARE",
            connection,
            transaction);
        check.Parameters.Add(new NpgsqlParameter { Value = wanted, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        var found = new HashSet<Guid>();
        await using (var reader = await check.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(reader.GetGuid(0));
            }
        }

        ThrowIfAnyMissing(wanted, found.Contains);
    }

    public static void ThrowIfAnyMissing(IEnumerable<Guid> userIds, Func<Guid, bool> exists)
    {
        foreach (var userId in userIds)
        {
            if (!exists(userId))
            {
                throw new NotFoundException($"User {userId} does not exist.");
            }
        }
    }
}

/// <summary>
/// The users of the in-memory stores, shared by the modules of one process (as PostgreSQL's users
/// table is): the Users store adds each new user, the Social stores check their writes against it.
/// </summary>
public sealed class InMemoryRegisteredUsers
{
    private readonly ConcurrentDictionary<Guid, byte> _users = new();

    public void Add(Guid userId) => _users.TryAdd(userId, 0);

    /// <summary>Fails unless every one of <paramref name="userIds"/> exists (users are never removed, so no lock is needed).</summary>
    public void Require(params Guid[] userIds) => RegisteredUsers.ThrowIfAnyMissing(userIds, _users.ContainsKey);
}
