using Feed.SharedKernel.Paging;
using Feed.Timeline.Lifecycle;
using Npgsql;

namespace Feed.Timeline.Postgres;

/// <summary>
/// The timeline tables (<see cref="TimelineTables"/>) in PostgreSQL, through the host's one pooled
/// <see cref="NpgsqlDataSource"/>. Every method is one statement (one round trip, atomic), and every
/// partition read is one backward range scan of the primary key, already in page order.
/// </summary>
/// <remarks>
/// Page order is (created_on DESC, post_id DESC), which is what <see cref="SequenceKey"/> compares:
/// PostgreSQL orders uuids byte by byte in their written form, the same order as
/// <see cref="Guid.CompareTo(Guid)"/>, so "strictly after the cursor" is the row comparison
/// <c>(created_on, post_id) &lt; (cursor)</c>, which the index serves as a range bound.
/// </remarks>
internal sealed class PostgresTimelineStore(NpgsqlDataSource dataSource) : ITimelineStore
{
    // Saves and removals of one post take the same transaction-scoped advisory lock first (in one
    // batch, one round trip), so each sees the other's committed result: under READ COMMITTED a save
    // racing a removal could otherwise insert after the removal's delete read the table.
    private const string PostLockSql = "SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))";

    private const string SavePostSql = $"""
        INSERT INTO {TimelineTables.Posts} (post_id, author_id, post_url, post_type, created_on)
        SELECT $1, $2, $3, $4, $5
        WHERE NOT EXISTS (SELECT 1 FROM {TimelineTables.RemovedPosts} WHERE post_id = $1)
        ON CONFLICT (post_id) DO UPDATE SET
            author_id = excluded.author_id, post_url = excluded.post_url,
            post_type = excluded.post_type, created_on = excluded.created_on
        """;

    private const string GetPostsSql = $"""
        SELECT post_id, author_id, post_url, post_type, created_on
        FROM {TimelineTables.Posts}
        WHERE post_id = ANY($1)
        """;

    // One statement for the whole batch, not one INSERT per row. Measured against binary COPY into a
    // temporary table followed by INSERT ... SELECT (PostgreSQL 15 on loopback, 2 shared cores):
    // 100 users 0.9 ms vs 1.6-2.9 ms, 1,000 users 4.1 ms vs 6.3-6.9 ms, 5,000 users 20-22 ms vs
    // 21-24 ms, 20,000 users 67-75 ms vs 74-80 ms. The index inserts dominate at every size, and COPY
    // adds three round trips and a table creation, so unnest is as fast or faster.
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

    // The range reads and the delete are internal so the tests can check their query plans.
    internal const string TimelineRowsAfterSql = $"""
        SELECT created_on, post_id, author_id
        FROM {TimelineTables.Timeline}
        WHERE user_id = $1 AND (created_on, post_id) < ($3, $4)
        ORDER BY created_on DESC, post_id DESC
        LIMIT $2
        """;

    private const string AddInfluencerPostSql = $"""
        INSERT INTO {TimelineTables.InfluencerPosts} (influencer_id, created_on, post_id)
        VALUES ($1, $2, $3)
        ON CONFLICT DO NOTHING
        """;

    // Like a CQL IN query with a per-partition limit: one range scan per influencer, one round trip.
    private const string InfluencerPostsSql = $"""
        SELECT influencer.id, post.created_on, post.post_id
        FROM unnest($1::uuid[]) AS influencer(id)
        CROSS JOIN LATERAL (
            SELECT created_on, post_id
            FROM {TimelineTables.InfluencerPosts}
            WHERE influencer_id = influencer.id
            ORDER BY created_on DESC, post_id DESC
            LIMIT $2) AS post
        """;

    internal const string InfluencerPostsAfterSql = $"""
        SELECT influencer.id, post.created_on, post.post_id
        FROM unnest($1::uuid[]) AS influencer(id)
        CROSS JOIN LATERAL (
            SELECT created_on, post_id
            FROM {TimelineTables.InfluencerPosts}
            WHERE influencer_id = influencer.id AND (created_on, post_id) < ($3, $4)
            ORDER BY created_on DESC, post_id DESC
            LIMIT $2) AS post
        """;

    private const string AuthorsWithInfluencerPostsSql = $"""
        SELECT author.id
        FROM unnest($1::uuid[]) AS author(id)
        WHERE EXISTS (SELECT 1 FROM {TimelineTables.InfluencerPosts} WHERE influencer_id = author.id)
        """;

    // The read model's created_on pins the influencer_posts row to one key; when the read model no
    // longer has the post (a repeated or out-of-order delete) the bounds open to the author's whole
    // partition and the row is found by its id. Both deletes commit together.
    internal const string RemovePostSql = $"""
        WITH removed AS (
            DELETE FROM {TimelineTables.Posts} WHERE post_id = $2 RETURNING created_on)
        DELETE FROM {TimelineTables.InfluencerPosts}
        WHERE influencer_id = $1 AND post_id = $2
            AND created_on BETWEEN COALESCE((SELECT created_on FROM removed), '-infinity')
                               AND COALESCE((SELECT created_on FROM removed), 'infinity')
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

    internal const string ActiveReadersSql = $"""
        SELECT user_id FROM {TimelineTables.Readers} WHERE user_id = ANY($1) AND last_read_on >= $2
        """;

    // The activity filter and the write in one round trip; "active" is read once (a CTE used twice is
    // materialized) and its rows are inserted in key order, like AddTimelineRowsSql's. Tried first
    // without ON CONFLICT: a plain insert writes two WAL records and touches half the buffers of a
    // speculative one (measured: 1,000 rows in 3 ms instead of 5 ms), and a row that already exists,
    // which only a retried or racing write meets, fails the whole statement, which is then repeated
    // with ON CONFLICT DO NOTHING.
    private static readonly string AddActiveTimelineRowsSql = ActiveTimelineRowsSql(onConflict: string.Empty);

    private static readonly string AddActiveTimelineRowsAgainSql = ActiveTimelineRowsSql(onConflict: "ON CONFLICT DO NOTHING");

    private const string RecordRemovedPostSql = $"""
        INSERT INTO {TimelineTables.RemovedPosts} (post_id) VALUES ($1) ON CONFLICT DO NOTHING
        """;

    public async ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(PostLock(post.PostId));
        var save = new NpgsqlBatchCommand(SavePostSql);
        save.Parameters.Add(Value(post.PostId));
        save.Parameters.Add(Value(post.AuthorId));
        save.Parameters.Add(Value(post.PostUrl));
        save.Parameters.Add(Value(post.PostType));
        save.Parameters.Add(Value(post.CreatedOn.ToUniversalTime()));
        batch.BatchCommands.Add(save);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return save.RecordsAffected > 0;
    }

    public async ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, TimelinePost>(postIds.Count);
        if (postIds.Count == 0)
        {
            return found;
        }

        await using var command = dataSource.CreateCommand(GetPostsSql);
        command.Parameters.Add(Value(postIds.Distinct().ToArray()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var post = new TimelinePost(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4));
            found[post.PostId] = post;
        }

        return found;
    }

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

    public async ValueTask AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(AddInfluencerPostSql);
        command.Parameters.Add(Value(entry.AuthorId));
        command.Parameters.Add(Value(entry.CreatedOn.ToUniversalTime()));
        command.Parameters.Add(Value(entry.PostId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> GetInfluencerPostsAsync(
        IReadOnlyCollection<Guid> influencerIds,
        SequenceKey? after,
        int limitPerInfluencer,
        CancellationToken cancellationToken)
    {
        if (influencerIds.Count == 0 || limitPerInfluencer <= 0)
        {
            return new Dictionary<Guid, IReadOnlyList<TimelineEntry>>();
        }

        await using var command = dataSource.CreateCommand(after is null ? InfluencerPostsSql : InfluencerPostsAfterSql);
        command.Parameters.Add(Value(influencerIds.Distinct().ToArray()));
        command.Parameters.Add(Value(limitPerInfluencer));
        AddCursor(command, after);
        var read = new Dictionary<Guid, List<TimelineEntry>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var influencerId = reader.GetGuid(0);
                if (!read.TryGetValue(influencerId, out var posts))
                {
                    read[influencerId] = posts = [];
                }

                posts.Add(new TimelineEntry(new SequenceKey(reader.GetFieldValue<DateTimeOffset>(1), reader.GetGuid(2)), influencerId));
            }
        }

        // SQL promises no order across the joined rows without a final ORDER BY (which would add a
        // sort over the whole result); each influencer's few rows are put in page order here instead.
        var result = new Dictionary<Guid, IReadOnlyList<TimelineEntry>>(read.Count);
        foreach (var (influencerId, posts) in read)
        {
            posts.Sort(static (left, right) => left.Key.CompareTo(right.Key));
            result[influencerId] = posts;
        }

        return result;
    }

    public async ValueTask<IReadOnlyCollection<Guid>> GetAuthorsWithInfluencerPostsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken)
    {
        if (authorIds.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(AuthorsWithInfluencerPostsSql);
        command.Parameters.Add(Value(authorIds.Distinct().ToArray()));
        var pulled = new HashSet<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pulled.Add(reader.GetGuid(0));
            }
        }

        // In the caller's order, as the in-memory store answers.
        return [.. authorIds.Distinct().Where(pulled.Contains)];
    }

    public async ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken)
    {
        // One batch is one transaction: the lock, the mark that keeps the post out, then the removal.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(PostLock(postId));
        var removed = new NpgsqlBatchCommand(RecordRemovedPostSql);
        removed.Parameters.Add(Value(postId));
        batch.BatchCommands.Add(removed);
        var remove = new NpgsqlBatchCommand(RemovePostSql);
        remove.Parameters.Add(Value(authorId));
        remove.Parameters.Add(Value(postId));
        batch.BatchCommands.Add(remove);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand PostLock(Guid postId)
    {
        var command = new NpgsqlBatchCommand(PostLockSql);
        command.Parameters.Add(Value(postId));
        return command;
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

        var users = userIds.Distinct().Order().ToArray();
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

    private static string ActiveTimelineRowsSql(string onConflict) => $"""
        WITH active AS (
            SELECT user_id FROM {TimelineTables.Readers} WHERE user_id = ANY($1) AND last_read_on >= $5
        ), written AS (
            INSERT INTO {TimelineTables.Timeline} (user_id, created_on, post_id, author_id)
            SELECT user_id, $2, $3, $4 FROM active ORDER BY user_id {onConflict}
        )
        SELECT user_id FROM active
        """;

    /// <summary>The user ids a statement returns in its first column.</summary>
    private static async ValueTask<IReadOnlyCollection<Guid>> ReadUserIdsAsync(NpgsqlCommand command, int expected, CancellationToken cancellationToken)
    {
        var userIds = new List<Guid>(expected);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            userIds.Add(reader.GetGuid(0));
        }

        return userIds;
    }

    /// <summary>One reader statement: the user as $1, a moment as $2.</summary>
    private async ValueTask ExecuteAsync(string sql, Guid userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(Value(userId));
        command.Parameters.Add(Value(at.ToUniversalTime()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Binds the cursor as parameters $3 (created_on) and $4 (post_id) of a range read that has one.</summary>
    private static void AddCursor(NpgsqlCommand command, SequenceKey? after)
    {
        if (after is { } cursor)
        {
            command.Parameters.Add(Value(cursor.At.ToUniversalTime()));
            command.Parameters.Add(Value(cursor.Id));
        }
    }

    // A typed positional parameter: no boxing, and PostgreSQL knows its type (Guid[] → uuid[],
    // DateTimeOffset → timestamptz, which Npgsql writes only from a UTC offset).
    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    public async ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT follower_cursor FROM {TimelineTables.FanOutProgress} WHERE post_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = postId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(followerCursor is null
            ? $"DELETE FROM {TimelineTables.FanOutProgress} WHERE post_id = $1"
            : $"INSERT INTO {TimelineTables.FanOutProgress} (post_id, follower_cursor) VALUES ($1, $2) ON CONFLICT (post_id) DO UPDATE SET follower_cursor = EXCLUDED.follower_cursor");
        command.Parameters.Add(new NpgsqlParameter { Value = postId });
        if (followerCursor is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = followerCursor });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
