using Feed.Demo.Graph;
using Npgsql;
using NpgsqlTypes;

namespace Feed.Benchmarks.Scenarios;

/// <summary>How many first pages were checked, how many were wrong, and the first difference found.</summary>
internal sealed record PageCheckResult(int Checked, int Wrong, string? FirstDifference);

/// <summary>
/// Checks readers' first pages, read through the API, against what PostgreSQL says they must show:
/// the posts (rows of <c>posts</c>: a deleted post has none) of the accounts the reader follows now
/// (<c>following</c>, which must agree with <c>followers</c>), newest first by
/// (created_on desc, post_id desc), the page's size of them. The post ids must be equal, in order.
/// </summary>
internal static class FirstPageCheck
{
    // One backward range scan of the posts key per followee, then the newest of all of them.
    private const string ExpectedPageSql = """
        SELECT post.post_id
        FROM following AS followee
        CROSS JOIN LATERAL (
            SELECT created_on, post_id
            FROM posts
            WHERE user_id = followee.followee_id
            ORDER BY created_on DESC, post_id DESC
            LIMIT $2) AS post
        WHERE followee.follower_id = $1
        ORDER BY post.created_on DESC, post.post_id DESC
        LIMIT $2
        """;

    public static async Task<PageCheckResult> RunAsync(BenchContext context, IReadOnlyList<int> readers, int pageSize, CancellationToken cancellationToken)
    {
        var ids = readers.Select(reader => context.Graph.UserIds[reader]).ToArray();
        var first = await FollowTablesDifferenceAsync(context.Database, ids, cancellationToken);
        var wrong = first is null ? 0 : 1;
        if (first is not null)
        {
            await context.Log.WriteLineAsync($"  WRONG FOLLOWS: {first}");
        }

        await using var connection = await context.Database.OpenConnectionAsync(cancellationToken);
        await using var expectedPage = new NpgsqlCommand(ExpectedPageSql, connection);
        expectedPage.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid });
        expectedPage.Parameters.Add(new NpgsqlParameter { Value = pageSize, NpgsqlDbType = NpgsqlDbType.Integer });
        await expectedPage.PrepareAsync(cancellationToken);
        foreach (var reader in readers)
        {
            var shown = await context.ReadTimelineAsync(reader, pageSize, cancellationToken);
            expectedPage.Parameters[0].Value = context.Graph.UserIds[reader];
            var expected = new List<Guid>(pageSize);
            await using (var rows = await expectedPage.ExecuteReaderAsync(cancellationToken))
            {
                while (await rows.ReadAsync(cancellationToken))
                {
                    expected.Add(rows.GetGuid(0));
                }
            }

            if (shown.SequenceEqual(expected))
            {
                continue;
            }

            wrong++;
            var difference = await DescribeAsync(connection, context, reader, shown, expected, cancellationToken);
            first ??= difference;
            if (wrong <= 5)
            {
                await context.Log.WriteLineAsync($"  WRONG PAGE: {difference}");
            }
        }

        return new PageCheckResult(readers.Count, wrong, first);
    }

    /// <summary>The reader, the first position where the pages differ, and what each post there is.</summary>
    private static async Task<string> DescribeAsync(
        NpgsqlConnection connection, BenchContext context, int reader, IReadOnlyList<Guid> shown, List<Guid> expected, CancellationToken cancellationToken)
    {
        var position = 0;
        while (position < shown.Count && position < expected.Count && shown[position] == expected[position])
        {
            position++;
        }

        var readerId = context.Graph.UserIds[reader];
        var shownHere = position < shown.Count
            ? $"the API shows post {shown[position]} ({await DescribePostAsync(connection, context.Graph, readerId, shown[position], cancellationToken)})"
            : "the API's page ends";
        var expectedHere = position < expected.Count
            ? $"PostgreSQL expects post {expected[position]} ({await DescribePostAsync(connection, context.Graph, readerId, expected[position], cancellationToken)}" +
              (shown.Contains(expected[position]) ? ", shown further down" : ", not on the API's page") + ")"
            : "PostgreSQL expects the page to end";
        return $"reader {SocialGraph.Username(reader)} ({readerId}): first page (limit {context.Settings.ReadPageSize}) differs at position {position + 1} " +
               $"({shown.Count} posts shown, {expected.Count} expected): {shownHere}; {expectedHere}";
    }

    private static async Task<string> DescribePostAsync(NpgsqlConnection connection, SocialGraph graph, Guid readerId, Guid postId, CancellationToken cancellationToken)
    {
        await using var post = new NpgsqlCommand(
            """
            SELECT p.user_id, p.created_on, EXISTS (SELECT 1 FROM following WHERE follower_id = $1 AND followee_id = p.user_id)
            FROM posts AS p
            WHERE p.post_id = $2
            """,
            connection);
        post.Parameters.Add(new NpgsqlParameter { Value = readerId, NpgsqlDbType = NpgsqlDbType.Uuid });
        post.Parameters.Add(new NpgsqlParameter { Value = postId, NpgsqlDbType = NpgsqlDbType.Uuid });
        await using var row = await post.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            return "no posts row: deleted";
        }

        var author = Array.IndexOf(graph.UserIds, row.GetGuid(0));
        var followed = row.GetBoolean(2) ? "followed" : "NOT followed by the reader";
        return $"by {(author < 0 ? row.GetGuid(0).ToString() : SocialGraph.Username(author))} ({followed}), created {row.GetFieldValue<DateTimeOffset>(1):yyyy-MM-dd HH:mm:ss.ffffff}";
    }

    /// <summary>Where the two follow tables (one keyed by followee, one by follower) disagree about these readers; null if nowhere.</summary>
    private static async Task<string?> FollowTablesDifferenceAsync(NpgsqlDataSource database, Guid[] readers, CancellationToken cancellationToken)
    {
        // followers has no index by follower: one scan for all readers together.
        await using var pairs = database.CreateCommand(
            """
            SELECT 'following', follower_id, followee_id FROM following WHERE follower_id = ANY($1)
            UNION ALL
            SELECT 'followers', follower_id, followee_id FROM followers WHERE follower_id = ANY($1)
            """);
        pairs.CommandTimeout = 600;
        pairs.Parameters.Add(new NpgsqlParameter { Value = readers, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        var following = new HashSet<(Guid, Guid)>();
        var followers = new HashSet<(Guid, Guid)>();
        await using var rows = await pairs.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            (rows.GetString(0) == "following" ? following : followers).Add((rows.GetGuid(1), rows.GetGuid(2)));
        }

        if (following.SetEquals(followers))
        {
            return null;
        }

        var (follower, followee) = following.Except(followers).Concat(followers.Except(following)).First();
        return $"following and followers disagree for the sampled readers ({following.Count} and {followers.Count} pairs), " +
               $"e.g. {follower} -> {followee} ({(following.Contains((follower, followee)) ? "only in following" : "only in followers")})";
    }
}
