using Feed.SharedKernel.Paging;
using Npgsql;
using static Feed.Timeline.Postgres.PostgresParameters;

namespace Feed.Timeline.Postgres;

/// <summary>
/// The timeline table (<see cref="TimelineTables"/>) in PostgreSQL, through the host's one pooled
/// <see cref="NpgsqlDataSource"/>. Every method is one statement (one round trip, atomic), and a
/// partition read is one backward range scan of the primary key, already in page order (see
/// <see cref="PostgresParameters"/>).
/// </summary>
internal sealed class PostgresTimelineRowStore(NpgsqlDataSource dataSource) : ITimelineRowStore
{
    // One statement for the whole batch, not one INSERT per row, nor COPY (which adds round trips and a
    // table creation and was no faster: docs/performance.md, "Measurements formerly in code comments").
    private const string AddTimelineRowsSql = $"""
        INSERT INTO {TimelineTables.Timeline} (user_id, created_on, post_id, author_id)
        SELECT user_id, $2, $3, $4 FROM unnest($1::uuid[]) AS user_id
        ON CONFLICT DO NOTHING
        """;

    private const string TimelineRowsSql = $"""
        SELECT created_on, post_id, author_id
        FROM {TimelineTables.Timeline}
        WHERE user_id = $1
        ORDER BY created_on DESC, post_id DESC
        LIMIT $2
        """;

    // The range read and the deletes are internal so the tests can check their query plans.
    internal const string TimelineRowsAfterSql = $"""
        SELECT created_on, post_id, author_id
        FROM {TimelineTables.Timeline}
        WHERE user_id = $1 AND (created_on, post_id) < ($3, $4)
        ORDER BY created_on DESC, post_id DESC
        LIMIT $2
        """;

    // Lifecycle statements (docs/timeline-lifecycle.md). A backfill writes many posts into one
    // partition in one statement, like fan-out writes one post into many.
    private const string AddTimelineEntriesSql = $"""
        INSERT INTO {TimelineTables.Timeline} (user_id, created_on, post_id, author_id)
        SELECT $1, entry.created_on, entry.post_id, entry.author_id
        FROM unnest($2::timestamptz[], $3::uuid[], $4::uuid[]) AS entry(created_on, post_id, author_id)
        ON CONFLICT DO NOTHING
        """;

    // One primary-key lookup per user: the deleted post's key is known.
    internal const string RemoveTimelineRowsSql = $"""
        DELETE FROM {TimelineTables.Timeline}
        WHERE user_id = ANY($1) AND created_on = $2 AND post_id = $3
        """;

    // One scan of the user's partition (the primary key's prefix); rows carry their author for this.
    internal const string RemoveAuthorTimelineRowsSql = $"""
        DELETE FROM {TimelineTables.Timeline}
        WHERE user_id = $1 AND author_id = $2
        """;

    // The activity filter and the write in one round trip: the followers' reader rows are read by
    // primary key, and the active ones get the row in key order (so rows go into the index in key order,
    // and two writers of one post lock rows in one order); RETURNING names them. The ids are behind a
    // sub-select, out of the planner's sight: with 5,000 ids in view it spent milliseconds estimating
    // them and chose a sequential scan of every reader (docs/performance.md, "store_ratio").
    // Tried first without ON CONFLICT: a plain insert is cheaper than a speculative one, and a row that
    // already exists, which only a retried or racing write meets, fails the whole statement, which is
    // then repeated with ON CONFLICT DO NOTHING. That one returns the active followers from a CTE, since
    // its RETURNING would leave out those who had the row.
    internal const string AddActiveTimelineRowsSql = $"""
        INSERT INTO {TimelineTables.Timeline} (user_id, created_on, post_id, author_id)
        SELECT user_id, $2, $3, $4 FROM {TimelineTables.Readers}
        WHERE user_id = ANY((SELECT $1)::uuid[]) AND last_read_on >= $5
        ORDER BY user_id
        RETURNING user_id
        """;

    internal const string AddActiveTimelineRowsAgainSql = $"""
        WITH active AS (
            SELECT user_id FROM {TimelineTables.Readers} WHERE user_id = ANY((SELECT $1)::uuid[]) AND last_read_on >= $5
        ), written AS (
            INSERT INTO {TimelineTables.Timeline} (user_id, created_on, post_id, author_id)
            SELECT user_id, $2, $3, $4 FROM active ORDER BY user_id ON CONFLICT DO NOTHING
        )
        SELECT user_id FROM active
        """;

    public async ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return;
        }

        // Sorted: rows go into the index in key order, and two writers of the same post (a retried
        // fan-out beside the original) take their row locks in the same order, so they cannot deadlock.
        var users = userIds.Distinct().Order().ToArray();
        await using var command = dataSource.CreateCommand(AddTimelineRowsSql);
        command.Parameters.Add(Value(users));
        command.Parameters.Add(Value(entry.CreatedOn.ToUniversalTime()));
        command.Parameters.Add(Value(entry.PostId));
        command.Parameters.Add(Value(entry.AuthorId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(after is null ? TimelineRowsSql : TimelineRowsAfterSql);
        command.Parameters.Add(Value(userId));
        command.Parameters.Add(Value(limit));
        AddCursor(command, after);
        var rows = new List<TimelineEntry>(Math.Min(limit, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new TimelineEntry(new SequenceKey(reader.GetFieldValue<DateTimeOffset>(0), reader.GetGuid(1)), reader.GetGuid(2)));
        }

        return rows;
    }

    public async ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        // In key order, like fan-out's sorted users: concurrent writers of one partition lock rows in one order.
        var sorted = entries.DistinctBy(static entry => entry.Key).OrderBy(static entry => entry.Key).ToArray();
        await using var command = dataSource.CreateCommand(AddTimelineEntriesSql);
        command.Parameters.Add(Value(userId));
        command.Parameters.Add(Value(sorted.Select(static entry => entry.CreatedOn.ToUniversalTime()).ToArray()));
        command.Parameters.Add(Value(sorted.Select(static entry => entry.PostId).ToArray()));
        command.Parameters.Add(Value(sorted.Select(static entry => entry.AuthorId).ToArray()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(RemoveTimelineRowsSql);
        command.Parameters.Add(Value(userIds.Distinct().Order().ToArray()));
        command.Parameters.Add(Value(entry.CreatedOn.ToUniversalTime()));
        command.Parameters.Add(Value(entry.PostId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RemoveAuthorTimelineRowsSql);
        command.Parameters.Add(Value(userId));
        command.Parameters.Add(Value(authorId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(
        IReadOnlyCollection<Guid> userIds,
        TimelineEntry entry,
        DateTimeOffset readSince,
        CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        // Neither sorted nor deduplicated here: the statements read each reader row once and order by key.
        var users = userIds as Guid[] ?? [.. userIds];
        try
        {
            return await AddActiveTimelineRowsAsync(AddActiveTimelineRowsSql, users, entry, readSince, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return await AddActiveTimelineRowsAsync(AddActiveTimelineRowsAgainSql, users, entry, readSince, cancellationToken);
        }
    }

    private async ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(
        string sql,
        Guid[] users,
        TimelineEntry entry,
        DateTimeOffset readSince,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(Value(users));
        command.Parameters.Add(Value(entry.CreatedOn.ToUniversalTime()));
        command.Parameters.Add(Value(entry.PostId));
        command.Parameters.Add(Value(entry.AuthorId));
        command.Parameters.Add(Value(readSince.ToUniversalTime()));
        return await ReadUserIdsAsync(command, users.Length, cancellationToken);
    }
}
