using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Storage;
using Feed.Social.Follows;
using Npgsql;

namespace Feed.Social.Postgres;

/// <summary>
/// Follows on PostgreSQL: <c>followers</c>, its reverse <c>following</c> and <c>follower_counts</c>,
/// changed in one transaction with the change's <c>outbox</c> row. The unique (followee_id, follower_id)
/// index decides races: of concurrent follows of one pair one inserts and the others wait for it and
/// then insert nothing, so the counter moves once and exactly one announcement is stored.
/// Every transaction locks in the same order (followers row, following row, counter), so they cannot deadlock.
/// After a commit that stored an announcement the outbox dispatcher is woken, so delivery starts at once.
/// </summary>
internal sealed class PostgresFollowStore(NpgsqlDataSource dataSource, OutboxSignal outbox) : IFollowStore
{
    internal const string ReadFollowerCount = "SELECT follower_count FROM follower_counts WHERE user_id = $1";

    internal static readonly Partition FollowersPartition = new("followers", "followee_id", "follower_id");
    internal static readonly Partition FollowingPartition = new("following", "follower_id", "followee_id");

    public async ValueTask<FollowChange> FollowAsync(
        Guid followerId, Guid followeeId, DateTimeOffset followedOn, Func<long, OutboxMessage> announce, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RegisteredUsers.RequireAsync(connection, transaction, [followerId, followeeId], cancellationToken);

        // Every unique index arbitrates, not only (followee_id, follower_id): two follows of one pair in
        // the same millisecond also clash on the primary key (followee_id, created_on, follower_id),
        // which, left out, failed the later one with a unique violation instead of doing nothing.
        await using var insertFollower = new NpgsqlCommand(
                """
                INSERT INTO followers (followee_id, created_on, follower_id, updated_on) VALUES ($1, $2, $3, $2)
                ON CONFLICT DO NOTHING
                """,
                connection,
                transaction)
            .WithUuid(followeeId)
            .WithTimestamp(followedOn)
            .WithUuid(followerId);
        if (await insertFollower.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            // Already following (maybe since a moment ago, by a concurrent request): nothing to store.
            var unchanged = await CountAsync(connection, transaction, followeeId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new FollowChange(false, unchanged);
        }

        // No ON CONFLICT: the reverse row exists exactly when the followers row does, a clash is corruption.
        await using var insertFollowing = new NpgsqlCommand(
                "INSERT INTO following (follower_id, created_on, followee_id, updated_on) VALUES ($1, $2, $3, $2)",
                connection,
                transaction)
            .WithUuid(followerId)
            .WithTimestamp(followedOn)
            .WithUuid(followeeId);
        await insertFollowing.ExecuteNonQueryAsync(cancellationToken);

        await using var increment = new NpgsqlCommand(
                """
                INSERT INTO follower_counts (user_id, follower_count) VALUES ($1, 1)
                ON CONFLICT (user_id) DO UPDATE SET follower_count = follower_counts.follower_count + 1
                RETURNING follower_count
                """,
                connection,
                transaction)
            .WithUuid(followeeId);
        var count = (long)(await increment.ExecuteScalarAsync(cancellationToken))!;

        await PostgresOutbox.InsertAsync(connection, transaction, announce(count), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Wake();
        return new FollowChange(true, count);
    }

    public async ValueTask<FollowChange> UnfollowAsync(
        Guid followerId, Guid followeeId, Func<long, OutboxMessage> announce, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using var deleteFollower = new NpgsqlCommand(
                "DELETE FROM followers WHERE followee_id = $1 AND follower_id = $2", connection, transaction)
            .WithUuid(followeeId)
            .WithUuid(followerId);
        if (await deleteFollower.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            var unchanged = await CountAsync(connection, transaction, followeeId, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new FollowChange(false, unchanged);
        }

        await using var deleteFollowing = new NpgsqlCommand(
                "DELETE FROM following WHERE follower_id = $1 AND followee_id = $2", connection, transaction)
            .WithUuid(followerId)
            .WithUuid(followeeId);
        await deleteFollowing.ExecuteNonQueryAsync(cancellationToken);

        await using var decrement = new NpgsqlCommand(
                "UPDATE follower_counts SET follower_count = follower_count - 1 WHERE user_id = $1 RETURNING follower_count",
                connection,
                transaction)
            .WithUuid(followeeId);
        var count = (long)(await decrement.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException($"User {followeeId} has a follower but no follower count."));

        await PostgresOutbox.InsertAsync(connection, transaction, announce(count), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Wake();
        return new FollowChange(true, count);
    }

    public async ValueTask<bool> IsFollowingAsync(Guid followerId, Guid followeeId, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand(
                "SELECT EXISTS (SELECT 1 FROM followers WHERE followee_id = $1 AND follower_id = $2)")
            .WithUuid(followeeId)
            .WithUuid(followerId);
        return (bool)(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    public ValueTask<IReadOnlyList<FollowEntry>> ListFollowersAsync(Guid followeeId, Cursor? after, int limit, CancellationToken cancellationToken) =>
        ReadPartitionAsync(FollowersPartition, followeeId, after, limit, cancellationToken);

    public ValueTask<IReadOnlyList<FollowEntry>> ListFolloweesAsync(Guid followerId, Cursor? after, int limit, CancellationToken cancellationToken) =>
        ReadPartitionAsync(FollowingPartition, followerId, after, limit, cancellationToken);

    public async ValueTask<IReadOnlyList<Guid>> ListAllFolloweeIdsAsync(Guid followerId, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand(
                "SELECT followee_id FROM following WHERE follower_id = $1 ORDER BY created_on DESC, followee_id DESC")
            .WithUuid(followerId);
        var ids = new List<Guid>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    public async ValueTask<long> CountFollowersAsync(Guid followeeId, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand(ReadFollowerCount).WithUuid(followeeId);
        return (long?)await select.ExecuteScalarAsync(cancellationToken) ?? 0;
    }

    private async ValueTask<IReadOnlyList<FollowEntry>> ReadPartitionAsync(
        Partition partition, Guid key, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var select = after is { } cursor
            ? dataSource.CreateCommand(partition.ReadAfterCursor).WithUuid(key).WithTimestamp(cursor.At).WithUuid(cursor.Id).WithInteger(limit)
            : dataSource.CreateCommand(partition.ReadFirst).WithUuid(key).WithInteger(limit);

        var entries = new List<FollowEntry>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new FollowEntry(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return entries;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(ReadFollowerCount, connection, transaction)
            .WithUuid(userId);
        return (long?)await select.ExecuteScalarAsync(cancellationToken) ?? 0;
    }

    /// <summary>
    /// Newest-first reads of one follow table, partitioned by <paramref name="KeyColumn"/>, whose rows name
    /// <paramref name="RowColumn"/>: one backward range scan of the primary key (key, created_on, row),
    /// the cursor a row-value bound on it, ties broken by the row id like SequenceKey.
    /// </summary>
    internal sealed record Partition(string Table, string KeyColumn, string RowColumn)
    {
        public string ReadFirst { get; } =
            $"SELECT {RowColumn}, created_on FROM {Table} WHERE {KeyColumn} = $1 ORDER BY created_on DESC, {RowColumn} DESC LIMIT $2";

        public string ReadAfterCursor { get; } =
            $"""
            SELECT {RowColumn}, created_on FROM {Table}
            WHERE {KeyColumn} = $1 AND (created_on, {RowColumn}) < ($2, $3)
            ORDER BY created_on DESC, {RowColumn} DESC LIMIT $4
            """;
    }
}
