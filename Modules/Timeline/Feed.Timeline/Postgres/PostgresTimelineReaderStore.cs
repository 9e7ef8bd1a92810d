using Feed.Timeline.ReaderLifecycle;
using Npgsql;
using static Feed.Timeline.Postgres.PostgresParameters;

namespace Feed.Timeline.Postgres;

/// <summary>
/// The readers table (<see cref="TimelineTables"/>) in PostgreSQL, through the host's one pooled
/// <see cref="NpgsqlDataSource"/>: one statement per method, one primary-key lookup each.
/// </summary>
internal sealed class PostgresTimelineReaderStore(NpgsqlDataSource dataSource) : ITimelineReaderStore
{
    private const string GetReaderSql = $"""
        SELECT last_read_on, rebuild_started_on FROM {TimelineTables.Readers} WHERE user_id = $1
        """;

    private const string StartRebuildSql = $"""
        INSERT INTO {TimelineTables.Readers} AS reader (user_id, last_read_on, rebuild_started_on)
        VALUES ($1, $2, $2)
        ON CONFLICT (user_id) DO UPDATE SET
            last_read_on = GREATEST(reader.last_read_on, excluded.last_read_on),
            rebuild_started_on = excluded.rebuild_started_on
        """;

    private const string RecordReadSql = $"""
        UPDATE {TimelineTables.Readers} SET last_read_on = $2 WHERE user_id = $1 AND last_read_on < $2
        """;

    private const string CompleteRebuildSql = $"""
        UPDATE {TimelineTables.Readers} SET rebuild_started_on = NULL WHERE user_id = $1 AND rebuild_started_on = $2
        """;

    // Internal so the tests can check its query plan.
    internal const string ActiveReadersSql = $"""
        SELECT user_id FROM {TimelineTables.Readers} WHERE user_id = ANY($1) AND last_read_on >= $2
        """;

    public async ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(GetReaderSql);
        command.Parameters.Add(Value(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new TimelineReader(
            reader.GetFieldValue<DateTimeOffset>(0),
            await reader.IsDBNullAsync(1, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }

    public ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        ExecuteAsync(StartRebuildSql, userId, readOn, cancellationToken);

    public ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        ExecuteAsync(RecordReadSql, userId, readOn, cancellationToken);

    public ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken) =>
        ExecuteAsync(CompleteRebuildSql, userId, startedOn, cancellationToken);

    public async ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(ActiveReadersSql);
        command.Parameters.Add(Value(userIds.Distinct().ToArray()));
        command.Parameters.Add(Value(readSince.ToUniversalTime()));
        return await ReadUserIdsAsync(command, userIds.Count, cancellationToken);
    }

    /// <summary>One reader statement: the user as $1, a moment as $2.</summary>
    private async ValueTask ExecuteAsync(string sql, Guid userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(Value(userId));
        command.Parameters.Add(Value(at.ToUniversalTime()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
