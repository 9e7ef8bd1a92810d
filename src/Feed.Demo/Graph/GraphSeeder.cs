using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using NpgsqlTypes;

namespace Feed.Demo.Graph;

/// <summary>
/// Writes a <see cref="SocialGraph"/> straight into the service's PostgreSQL tables (created by the
/// service at start-up) with binary COPY, rows sorted in primary-key order so every index grows at
/// its right edge. It writes what the service itself would have written: users (Marten documents),
/// both follow tables and the counters, posts and the Timeline module's read model, one timeline row
/// per follower of each pushed post, one influencer_posts row per pulled post, and every user's last
/// timeline read (timeline_readers). Every seeded account
/// has the same password (<see cref="DemoPassword"/>), so a seeded database also serves as a demo.
/// </summary>
public static class GraphSeeder
{
    public const string DemoPassword = "feed-bench-password";

    /// <param name="postUrl">Each post's URL; the benchmark's example.com URLs when null (a demo passes images it serves).</param>
    public static async Task<TimeSpan> SeedAsync(SocialGraph graph, string connectionString, TextWriter log, CancellationToken cancellationToken, Func<SeedPost, string>? postUrl = null)
    {
        postUrl ??= PostUrl;
        var clock = Stopwatch.StartNew();
        var ranks = GuidRanks(graph.UserIds);
        var posts = PostsInKeyOrder(graph);

        // The tables are independent: load them side by side, one connection each.
        await Task.WhenAll(
            Task.Run(() => CopyAsync(connectionString, "users", log, connection => CopyUsers(connection, graph)), cancellationToken),
            Task.Run(() => CopyAsync(connectionString, "followers", log, connection => CopyFollowRows(
                connection, graph, ranks, "COPY followers (followee_id, created_on, follower_id, updated_on) FROM STDIN (FORMAT BINARY)", SocialGraph.Followee, SocialGraph.Follower)), cancellationToken),
            Task.Run(() => CopyAsync(connectionString, "following", log, connection => CopyFollowRows(
                connection, graph, ranks, "COPY following (follower_id, created_on, followee_id, updated_on) FROM STDIN (FORMAT BINARY)", SocialGraph.Follower, SocialGraph.Followee)), cancellationToken),
            Task.Run(() => CopyAsync(connectionString, "posts", log, connection => CopyPosts(connection, graph, posts, postUrl)), cancellationToken),
            Task.Run(() => CopyAsync(connectionString, "timeline", log, connection => CopyTimeline(connection, graph, ranks, posts)), cancellationToken));

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            // The state autovacuum leaves a loaded table in: planner statistics, and the visibility map
            // without which every index-only scan visits the heap. Done here, so that autovacuum's own pass
            // after the bulk load does not run during the measured rounds.
            await using var analyze = new NpgsqlCommand(
                "VACUUM (ANALYZE) mt_doc_users, followers, following, follower_counts, posts, timeline_posts, timeline, influencer_posts, timeline_readers", connection);
            analyze.CommandTimeout = 600;
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        return clock.Elapsed;
    }

    private static async Task CopyAsync(string connectionString, string what, TextWriter log, Func<NpgsqlConnection, long> copy)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var rows = copy(connection);
        await log.WriteLineAsync($"  seeded {what}: {rows:N0} rows in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static long CopyUsers(NpgsqlConnection connection, SocialGraph graph)
    {
        var passwordHash = new PasswordHasher<object>().HashPassword(new object(), DemoPassword);
        var order = Enumerable.Range(0, graph.UserCount).ToArray();
        Array.Sort(order, (left, right) => graph.UserIds[left].CompareTo(graph.UserIds[right]));

        using (var writer = connection.BeginBinaryImport(
                   "COPY mt_doc_users (id, data, mt_dotnet_type, username_key, email_key) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var user in order)
            {
                var username = SocialGraph.Username(user);
                var email = $"{username}@bench.example";
                var on = Timestamp(graph.AnchorMs - (400L * 24 * 60 * 60 * 1000) + user);
                // The document as Marten stores a Feed.Users UserDocument (property names as in the class).
                var data = string.Create(CultureInfo.InvariantCulture, $$"""
                    {"Id": "{{graph.UserIds[user]}}", "Age": null, "Email": "{{email}}", "Phone": null, "EmailKey": "{{email}}", "LastName": "Bench", "Location": null, "Username": "{{username}}", "CreatedOn": "{{on}}", "FirstName": "User {{user}}", "UpdatedOn": "{{on}}", "UsernameKey": "{{username}}", "IsInfluencer": {{(graph.IsInfluencer[user] ? "true" : "false")}}, "PasswordHash": "{{passwordHash}}"}
                    """);
                writer.StartRow();
                writer.Write(graph.UserIds[user], NpgsqlDbType.Uuid);
                writer.Write(data, NpgsqlDbType.Jsonb);
                writer.Write("Feed.Users.Postgres.UserDocument", NpgsqlDbType.Varchar);
                writer.Write(username, NpgsqlDbType.Varchar);
                writer.Write(email, NpgsqlDbType.Varchar);
            }

            writer.Complete();
        }

        // The Timeline module's reader activity: every user counts as active, none mid-rebuild.
        using (var writer = connection.BeginBinaryImport("COPY timeline_readers (user_id, last_read_on) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var user in order)
            {
                writer.StartRow();
                writer.Write(graph.UserIds[user], NpgsqlDbType.Uuid);
                writer.Write(DateTimeOffset.FromUnixTimeMilliseconds(graph.LastReadOnMs[user]), NpgsqlDbType.TimestampTz);
            }

            writer.Complete();
        }

        var counted = 0L;
        using (var writer = connection.BeginBinaryImport("COPY follower_counts (user_id, follower_count) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var user in order)
            {
                var count = graph.FollowerCount(user);
                if (count > 0)
                {
                    writer.StartRow();
                    writer.Write(graph.UserIds[user], NpgsqlDbType.Uuid);
                    writer.Write((long)count, NpgsqlDbType.Bigint);
                    counted++;
                }
            }

            writer.Complete();
        }

        return (2L * graph.UserCount) + counted;
    }

    /// <summary>
    /// The followers table (partition followee) or its reverse, following (partition follower): the
    /// same rows, keyed from the other side, written in primary key order (partition, created_on, other).
    /// </summary>
    private static long CopyFollowRows(NpgsqlConnection connection, SocialGraph graph, int[] ranks, string copy, Func<long, int> partition, Func<long, int> other)
    {
        var order = Enumerable.Range(0, graph.Follows.Length).ToArray();
        Array.Sort(order, (left, right) =>
        {
            var byPartition = ranks[partition(graph.Follows[left])].CompareTo(ranks[partition(graph.Follows[right])]);
            if (byPartition != 0)
            {
                return byPartition;
            }

            var byTime = graph.FollowedOnMs[left].CompareTo(graph.FollowedOnMs[right]);
            return byTime != 0 ? byTime : ranks[other(graph.Follows[left])].CompareTo(ranks[other(graph.Follows[right])]);
        });

        using var writer = connection.BeginBinaryImport(copy);
        foreach (var follow in order)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(graph.FollowedOnMs[follow]);
            writer.StartRow();
            writer.Write(graph.UserIds[partition(graph.Follows[follow])], NpgsqlDbType.Uuid);
            writer.Write(at, NpgsqlDbType.TimestampTz);
            writer.Write(graph.UserIds[other(graph.Follows[follow])], NpgsqlDbType.Uuid);
            writer.Write(at, NpgsqlDbType.TimestampTz);
        }

        writer.Complete();
        return order.Length;
    }

    private static long CopyPosts(NpgsqlConnection connection, SocialGraph graph, SeedPost[] posts, Func<SeedPost, string> postUrl)
    {
        var byAuthor = posts.ToArray();
        Array.Sort(byAuthor, (left, right) =>
        {
            var byUser = graph.UserIds[left.Author].CompareTo(graph.UserIds[right.Author]);
            return byUser != 0 ? byUser : ComparePostKeys(left, right);
        });

        using (var writer = connection.BeginBinaryImport(
                   "COPY posts (user_id, created_on, post_id, post_url, post_type, updated_on) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var post in byAuthor)
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(post.CreatedOnMs);
                writer.StartRow();
                writer.Write(graph.UserIds[post.Author], NpgsqlDbType.Uuid);
                writer.Write(at, NpgsqlDbType.TimestampTz);
                writer.Write(post.PostId, NpgsqlDbType.Uuid);
                writer.Write(postUrl(post), NpgsqlDbType.Text);
                writer.Write(post.PostType, NpgsqlDbType.Text);
                writer.Write(at, NpgsqlDbType.TimestampTz);
            }

            writer.Complete();
        }

        var byId = posts.ToArray();
        Array.Sort(byId, (left, right) => left.PostId.CompareTo(right.PostId));
        using (var writer = connection.BeginBinaryImport(
                   "COPY timeline_posts (post_id, author_id, post_url, post_type, created_on) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var post in byId)
            {
                writer.StartRow();
                writer.Write(post.PostId, NpgsqlDbType.Uuid);
                writer.Write(graph.UserIds[post.Author], NpgsqlDbType.Uuid);
                writer.Write(postUrl(post), NpgsqlDbType.Text);
                writer.Write(post.PostType, NpgsqlDbType.Text);
                writer.Write(DateTimeOffset.FromUnixTimeMilliseconds(post.CreatedOnMs), NpgsqlDbType.TimestampTz);
            }

            writer.Complete();
        }

        var pulled = 0L;
        using (var writer = connection.BeginBinaryImport(
                   "COPY influencer_posts (influencer_id, created_on, post_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var post in byAuthor)
            {
                if (graph.IsInfluencer[post.Author])
                {
                    writer.StartRow();
                    writer.Write(graph.UserIds[post.Author], NpgsqlDbType.Uuid);
                    writer.Write(DateTimeOffset.FromUnixTimeMilliseconds(post.CreatedOnMs), NpgsqlDbType.TimestampTz);
                    writer.Write(post.PostId, NpgsqlDbType.Uuid);
                    pulled++;
                }
            }

            writer.Complete();
        }

        return (2L * posts.Length) + pulled;
    }

    private static long CopyTimeline(NpgsqlConnection connection, SocialGraph graph, int[] ranks, SeedPost[] posts)
    {
        // One row per (follower, pushed post); packed as follower rank << 32 | post position, whose
        // order is the primary key's (user_id, created_on, post_id) because posts are in key order.
        var rows = new List<long>((int)Math.Min(int.MaxValue / 2, graph.TimelineRowCount()));
        for (var position = 0; position < posts.Length; position++)
        {
            if (graph.IsInfluencer[posts[position].Author])
            {
                continue;
            }

            foreach (var follow in graph.FollowsOf(posts[position].Author))
            {
                rows.Add(((long)ranks[SocialGraph.Follower(follow)] << 32) | (uint)position);
            }
        }

        var sorted = rows.ToArray();
        Array.Sort(sorted);
        var userByRank = new int[ranks.Length];
        for (var user = 0; user < ranks.Length; user++)
        {
            userByRank[ranks[user]] = user;
        }

        using var writer = connection.BeginBinaryImport(
            "COPY timeline (user_id, created_on, post_id, author_id) FROM STDIN (FORMAT BINARY)");
        foreach (var row in sorted)
        {
            var post = posts[(int)(row & 0xFFFF_FFFF)];
            writer.StartRow();
            writer.Write(graph.UserIds[userByRank[(int)(row >> 32)]], NpgsqlDbType.Uuid);
            writer.Write(DateTimeOffset.FromUnixTimeMilliseconds(post.CreatedOnMs), NpgsqlDbType.TimestampTz);
            writer.Write(post.PostId, NpgsqlDbType.Uuid);
            writer.Write(graph.UserIds[post.Author], NpgsqlDbType.Uuid);
        }

        writer.Complete();
        return sorted.Length;
    }

    public static string PostUrl(SeedPost post) =>
        $"https://{(post.PostType == "video" ? "videos" : "images")}.example.com/bench/{post.PostId:N}.{(post.PostType == "video" ? "mp4" : "jpg")}";

    /// <summary>Each user's position in PostgreSQL's uuid order (byte order, which <see cref="Guid.CompareTo(Guid)"/> matches).</summary>
    private static int[] GuidRanks(Guid[] ids)
    {
        var order = Enumerable.Range(0, ids.Length).ToArray();
        Array.Sort(order, (left, right) => ids[left].CompareTo(ids[right]));
        var ranks = new int[ids.Length];
        for (var rank = 0; rank < order.Length; rank++)
        {
            ranks[order[rank]] = rank;
        }

        return ranks;
    }

    private static SeedPost[] PostsInKeyOrder(SocialGraph graph)
    {
        var posts = graph.Posts.ToArray();
        Array.Sort(posts, ComparePostKeys);
        return posts;
    }

    private static int ComparePostKeys(SeedPost left, SeedPost right)
    {
        var byTime = left.CreatedOnMs.CompareTo(right.CreatedOnMs);
        return byTime != 0 ? byTime : left.PostId.CompareTo(right.PostId);
    }

    private static string Timestamp(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
