using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Feed.Benchmarks.Hosting;
using Feed.SharedKernel.Paging;
using Feed.Timeline;
using Feed.Timeline.Postgres;
using Npgsql;

namespace Feed.Benchmarks.Sizes;

/// <summary>
/// Bytes per row of the service's PostgreSQL tables, heap and indexes together, with the rows
/// written in the order the service writes them (time order, so each primary key grows at random
/// places, as fan-out and follows make it): timeline rows through the Timeline module's own store
/// adapter, the other tables by SQL in the same shape; users are copies of one user registered
/// through the API. The schema is the service's own: the API creates it at start-up.
/// </summary>
internal static class PostgresSizes
{
    private const int Users = 50_000;
    private const int FanOutPosts = 2_000;
    private const int FollowersPerPost = 500;
    private const int Follows = 1_000_000;
    private const int Posts = 100_000;
    private const int InfluencerPosts = 100_000;

    public static async Task MeasureAsync(string server, string apiAssembly, string logDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var database = await BenchmarkRun.CreateDatabaseAsync(server, "feed_sizes", cancellationToken);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Feed__Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = database,
            ["Feed__Auth__SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            ["Feed__Cursors__SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning",
            // Thousands of users registered and logged in from one address.
            ["Feed__RateLimits__Enabled"] = "false",
        };
        await using (var api = await HostProcess.StartAsync("sizes-api", apiAssembly, [], environment, "/health", logDirectory, cancellationToken))
        {
            // One real user: the template of the user rows below (the document exactly as the Users module stores it).
            using var http = new HttpClient { BaseAddress = api.Address };
            var registered = await http.PostAsJsonAsync(
                "/api/users",
                new { username = "template_user", first_name = "Ada", last_name = "Lovelace", email = "template_user@example.com", password = "analytical-engine-1843" },
                cancellationToken);
            registered.EnsureSuccessStatusCode();
        }

        await using var dataSource = NpgsqlDataSource.Create(database);
        // One session for the SQL below: its temporary tables and random seed are the session's.
        await using var session = await dataSource.OpenConnectionAsync(cancellationToken);
        await log.WriteLineAsync($"PostgreSQL {await ScalarAsync<string>(session, "SHOW server_version", cancellationToken)}: rows written in the service's order, then measured");
        await log.WriteLineAsync("| table | rows | heap B/row | indexes B/row | total B/row | indexes |");
        await log.WriteLineAsync("|---|---|---|---|---|---|");

        await WriteTimelineRowsAsync(dataSource, cancellationToken);
        await ReportAsync(session, "timeline", log, cancellationToken);
        await ExecuteAsync(session, "REINDEX TABLE timeline", cancellationToken);
        await ReportAsync(session, "timeline", log, cancellationToken, " (after REINDEX: index pages packed)");

        // Follows between random users, in time order; the people are numbered so a random number picks one.
        await ExecuteAsync(session, $"""
            SELECT setseed(0.42);
            CREATE TEMP TABLE people AS SELECT n, gen_random_uuid() AS id FROM generate_series(1, {Users}) AS n;
            CREATE UNIQUE INDEX ON people (n);
            CREATE TEMP TABLE follows AS
                SELECT DISTINCT ON (followee.id, follower.id) followee.id AS followee, follower.id AS follower, drawn.at
                FROM (SELECT 1 + floor(random() * {Users})::int AS a, 1 + floor(random() * {Users})::int AS b,
                             timestamptz '2026-01-01' + i * interval '1 second' AS at
                      FROM generate_series(1, {Follows}) AS i) AS drawn
                JOIN people AS followee ON followee.n = drawn.a
                JOIN people AS follower ON follower.n = drawn.b
                WHERE drawn.a <> drawn.b;
            INSERT INTO followers (followee_id, created_on, follower_id, updated_on) SELECT followee, at, follower, at FROM follows ORDER BY at;
            INSERT INTO following (follower_id, created_on, followee_id, updated_on) SELECT follower, at, followee, at FROM follows ORDER BY at;
            INSERT INTO follower_counts (user_id, follower_count) SELECT followee, count(*) FROM follows GROUP BY followee;
            """, cancellationToken);
        await ReportAsync(session, "followers", log, cancellationToken);
        await ReportAsync(session, "following", log, cancellationToken);
        await ReportAsync(session, "follower_counts", log, cancellationToken);

        // Posts as the API takes them: a 63-character image URL (https://images.example.com/<32 hex>.jpg).
        await ExecuteAsync(session, $"""
            CREATE TEMP TABLE drawn_posts AS
                SELECT people.id AS author, gen_random_uuid() AS post_id, drawn.at
                FROM (SELECT 1 + floor(random() * {Users})::int AS a, timestamptz '2026-02-01' + i * interval '1 second' AS at
                      FROM generate_series(1, {Posts}) AS i) AS drawn
                JOIN people ON people.n = drawn.a;
            INSERT INTO posts (user_id, created_on, post_id, post_url, post_type, updated_on)
                SELECT author, at, post_id, 'https://images.example.com/' || replace(post_id::text, '-', '') || '.jpg', 'image', at FROM drawn_posts ORDER BY at;
            INSERT INTO timeline_posts (post_id, author_id, post_url, post_type, created_on)
                SELECT post_id, author, 'https://images.example.com/' || replace(post_id::text, '-', '') || '.jpg', 'image', at FROM drawn_posts ORDER BY at;
            INSERT INTO influencer_posts (influencer_id, created_on, post_id)
                SELECT people.id, drawn.at, gen_random_uuid()
                FROM (SELECT 1 + floor(random() * 1000)::int AS a, timestamptz '2026-03-01' + i * interval '1 second' AS at
                      FROM generate_series(1, {InfluencerPosts}) AS i) AS drawn
                JOIN people ON people.n = drawn.a
                ORDER BY drawn.at;
            INSERT INTO timeline_readers (user_id, last_read_on) SELECT id, timestamptz '2026-04-01' + n * interval '1 second' FROM people ORDER BY n;
            """, cancellationToken);
        await ReportAsync(session, "posts", log, cancellationToken);
        await ReportAsync(session, "timeline_posts", log, cancellationToken);
        await ReportAsync(session, "influencer_posts", log, cancellationToken);
        await ReportAsync(session, "timeline_readers", log, cancellationToken);

        // Copies of the registered user's document, each with its own id, username and email.
        await ExecuteAsync(session, """
            INSERT INTO mt_doc_users (id, data, mt_last_modified, mt_version, mt_dotnet_type, username_key, email_key)
            SELECT id, data || jsonb_build_object('Id', id, 'Username', name, 'UsernameKey', name, 'Email', name || '@example.com', 'EmailKey', name || '@example.com'),
                   mt_last_modified, gen_random_uuid(), mt_dotnet_type, name, name || '@example.com'
            FROM (SELECT p.id, 'user_' || lpad(p.n::text, 8, '0') AS name, u.data, u.mt_last_modified, u.mt_dotnet_type
                  FROM people AS p CROSS JOIN (SELECT * FROM mt_doc_users LIMIT 1) AS u) AS copies
            ORDER BY id
            """, cancellationToken);
        await ReportAsync(session, "mt_doc_users", log, cancellationToken);
    }

    /// <summary>Fan-out's writes: per post, one row for each of its followers, through the store adapter.</summary>
    private static async Task WriteTimelineRowsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var random = new Random(42);
        var users = Enumerable.Range(0, Users).Select(_ => Guid.NewGuid()).ToArray();
        var store = new PostgresTimelineRowStore(dataSource);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var indexes = Enumerable.Range(0, Users).ToArray();
        for (var post = 0; post < FanOutPosts; post++)
        {
            // Distinct followers: the first FollowersPerPost places of a partial shuffle.
            for (var i = 0; i < FollowersPerPost; i++)
            {
                var j = random.Next(i, Users);
                (indexes[i], indexes[j]) = (indexes[j], indexes[i]);
            }

            var createdOn = start.AddSeconds(post);
            var entry = new TimelineEntry(new SequenceKey(createdOn, Guid.CreateVersion7(createdOn)), users[random.Next(Users)]);
            await store.AddTimelineRowsAsync([.. indexes[..FollowersPerPost].Select(index => users[index])], entry, cancellationToken);
        }
    }

    private static async Task ReportAsync(NpgsqlConnection session, string table, TextWriter log, CancellationToken cancellationToken, string note = "")
    {
        await ExecuteAsync(session, $"VACUUM (ANALYZE) {table}", cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT (SELECT count(*) FROM {table}), pg_relation_size('{table}'), pg_indexes_size('{table}'), pg_total_relation_size('{table}'),
                   (SELECT count(*) FROM pg_indexes WHERE tablename = '{table}')
            """, session);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (rows, heap, indexes, total, indexCount) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        await log.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"| {table}{note} | {rows:N0} | {(double)heap / rows:F1} | {(double)indexes / rows:F1} | {(double)total / rows:F1} | {indexCount} |"));
    }

    private static async Task ExecuteAsync(NpgsqlConnection session, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, session);
        command.CommandTimeout = 900;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection session, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, session);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
