using System.Diagnostics;
using Npgsql;

namespace Feed.FaultTests;

/// <summary>Questions the fault tests ask a test database directly (what the services wrote).</summary>
public static class FaultDatabase
{
    /// <summary>The first column of the first row; SQL NULL as default (null for a reference type).</summary>
    public static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is T value ? value : default!;
    }

    /// <summary>Polls <paramref name="condition"/> (a boolean query) until it holds; on timeout, fails showing the outbox.</summary>
    public static async Task WaitAsync(string database, string condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!await ScalarAsync<bool>(database, condition))
        {
            if (waited.Elapsed > timeout)
            {
                var outbox = await ScalarAsync<string?>(
                    database,
                    "SELECT coalesce(string_agg(type || ' attempts ' || attempts || ' due ' || due_on || ' locked until ' || coalesce(locked_until::text, '-') || ' ' || coalesce(last_error, ''), '; '), 'empty') FROM outbox");
                throw new TimeoutException($"Still false after {timeout}: {condition}; outbox: {outbox}");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Followers written straight into the tables (registering thousands of users through the API would spend
    /// minutes hashing passwords), as the Users, Social and Timeline modules keep them: each a user,
    /// a follow in both directions, counted, and an active reader (fan-out writes rows for active readers only).
    /// Times are whole milliseconds, as the service writes them (its cursors carry milliseconds).
    /// </summary>
    public static async Task SeedFollowersAsync(string database, Guid authorId, int count)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var seed = new NpgsqlCommand(
            """
            WITH seeded AS MATERIALIZED (SELECT gen_random_uuid() AS id, i, date_trunc('milliseconds', now()) AS at FROM generate_series(1, $2) AS i),
            users AS (
                INSERT INTO mt_doc_users (id, data, mt_dotnet_type, username_key, email_key)
                SELECT id, jsonb_build_object('Id', id, 'Username', 'seeded' || i, 'UsernameKey', 'seeded' || i, 'Email', 'seeded' || i || '@example.com',
                           'EmailKey', 'seeded' || i || '@example.com', 'FirstName', 'Seeded', 'LastName', 'Follower', 'PasswordHash', '',
                           'SecurityStamp', '', 'IsInfluencer', false, 'CreatedOn', at, 'UpdatedOn', at),
                       'Feed.Users.Postgres.UserDocument', 'seeded' || i, 'seeded' || i || '@example.com'
                FROM seeded),
            followers AS (INSERT INTO followers (followee_id, created_on, follower_id, updated_on) SELECT $1, at, id, at FROM seeded),
            following AS (INSERT INTO following (follower_id, created_on, followee_id, updated_on) SELECT id, at, $1, at FROM seeded),
            counts AS (
                INSERT INTO follower_counts (user_id, follower_count) VALUES ($1, $2)
                ON CONFLICT (user_id) DO UPDATE SET follower_count = follower_counts.follower_count + $2)
            INSERT INTO timeline_readers (user_id, last_read_on) SELECT id, at FROM seeded
            """,
            connection);
        seed.Parameters.AddWithValue(authorId);
        seed.Parameters.AddWithValue(count);
        await seed.ExecuteNonQueryAsync();
    }
}
