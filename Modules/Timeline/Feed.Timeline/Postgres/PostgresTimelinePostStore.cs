using Feed.SharedKernel.Paging;
using Npgsql;
using static Feed.Timeline.Postgres.PostgresParameters;

namespace Feed.Timeline.Postgres;

/// <summary>
/// The post read model and influencer_posts (<see cref="TimelineTables"/>) in PostgreSQL, through the
/// host's one pooled <see cref="NpgsqlDataSource"/>. Every method is one statement or one batch (one
/// round trip, atomic), and every partition read is one backward range scan of the primary key,
/// already in page order (see <see cref="PostgresParameters"/>).
/// </summary>
internal sealed class PostgresTimelinePostStore(NpgsqlDataSource dataSource) : ITimelinePostStore
{
    // Saves, influencer_posts writes and removals of one post take the same transaction-scoped advisory
    // lock first (in one batch, one round trip), so each sees the other's committed result: under READ
    // COMMITTED a write racing a removal could otherwise insert after the removal's delete read the table.
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

    // Under the post's lock, like a save: a promotion's copy racing the post's removal writes no row for it.
    // Answers whether the post may have its row (a row already there is not a refusal).
    private const string AddInfluencerPostSql = $"""
        WITH allowed AS (
            SELECT NOT EXISTS (SELECT 1 FROM {TimelineTables.RemovedPosts} WHERE post_id = $3) AS ok),
        added AS (
            INSERT INTO {TimelineTables.InfluencerPosts} (influencer_id, created_on, post_id)
            SELECT $1, $2, $3 FROM allowed WHERE ok
            ON CONFLICT DO NOTHING)
        SELECT ok FROM allowed
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

    // The range read and the removal are internal so the tests can check their query plans.
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

    // An author with rows, or one whose removed rows left them in pulled_authors: two primary-key reads
    // (a UNION, not an OR of two EXISTS, which the planner cannot turn into joins). Internal for its plan test.
    internal const string PulledAuthorsSql = $"""
        SELECT author.id
        FROM unnest($1::uuid[]) AS author(id)
        WHERE EXISTS (SELECT 1 FROM {TimelineTables.InfluencerPosts} WHERE influencer_id = author.id)
        UNION
        SELECT author_id FROM {TimelineTables.PulledAuthors} WHERE author_id = ANY($1)
        """;

    // The read model's created_on pins the influencer_posts row to one key; when the read model no
    // longer has the post (a repeated or out-of-order delete) the bounds open to the author's whole
    // partition and the row is found by its id. A removed row records its author in pulled_authors, so
    // the author stays pulled (GetPulledAuthorsAsync). All of it commits together.
    internal const string RemovePostSql = $"""
        WITH removed AS (
            DELETE FROM {TimelineTables.Posts} WHERE post_id = $2 RETURNING created_on),
        unpulled AS (
            DELETE FROM {TimelineTables.InfluencerPosts}
            WHERE influencer_id = $1 AND post_id = $2
                AND created_on BETWEEN COALESCE((SELECT created_on FROM removed), '-infinity')
                                   AND COALESCE((SELECT created_on FROM removed), 'infinity')
            RETURNING influencer_id)
        INSERT INTO {TimelineTables.PulledAuthors} (author_id)
        SELECT DISTINCT influencer_id FROM unpulled
        ON CONFLICT DO NOTHING
        """;

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

    public async ValueTask<bool> AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(PostLock(entry.PostId));
        var add = new NpgsqlBatchCommand(AddInfluencerPostSql);
        add.Parameters.Add(Value(entry.AuthorId));
        add.Parameters.Add(Value(entry.CreatedOn.ToUniversalTime()));
        add.Parameters.Add(Value(entry.PostId));
        batch.BatchCommands.Add(add);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken); // past the lock's row
        return await reader.ReadAsync(cancellationToken) && reader.GetBoolean(0);
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

    public async ValueTask<IReadOnlyCollection<Guid>> GetPulledAuthorsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken)
    {
        if (authorIds.Count == 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(PulledAuthorsSql);
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
}
