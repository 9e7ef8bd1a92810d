using Feed.Testing;
using Feed.Timeline.Postgres;
using Npgsql;

namespace Feed.Timeline.Tests.Postgres;

/// <summary>What only PostgreSQL has for the lifecycle statements: their table and their query plans.</summary>
public sealed class PostgresTimelineLifecycleTests(PostgresDatabase<TimelineOnPostgres> database) : IClassFixture<PostgresDatabase<TimelineOnPostgres>>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TimelineTables.Readers, "PRIMARY KEY (user_id)")]
    [InlineData(TimelineTables.RemovedPosts, "PRIMARY KEY (post_id)")]
    public async Task The_lifecycle_tables_are_keyed_for_their_one_lookup(string table, string primaryKey)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = table });

        Assert.Equal(primaryKey, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Removing_a_deleted_post_s_rows_looks_up_one_primary_key_per_follower()
    {
        var plan = await PlanAsync(PostgresTimelineRowStore.RemoveTimelineRowsSql, new[] { Guid.NewGuid(), Guid.NewGuid() }, DateTimeOffset.UtcNow, Guid.NewGuid());

        Assert.Contains($"Index Scan using pkey_{TimelineTables.Timeline}_user_id_created_on_post_id", plan, StringComparison.Ordinal);
        Assert.Matches(@"Index Cond: \(\(user_id = ANY .*\) AND \(created_on = .*\) AND \(post_id = ", plan);
        Assert.DoesNotContain("Filter", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_an_unfollowed_author_s_rows_scans_one_partition()
    {
        var plan = await PlanAsync(PostgresTimelineRowStore.RemoveAuthorTimelineRowsSql, Guid.NewGuid(), Guid.NewGuid());

        Assert.Contains($"Index Scan using pkey_{TimelineTables.Timeline}_user_id_created_on_post_id", plan, StringComparison.Ordinal);
        Assert.Matches(@"Index Cond: \(user_id = ", plan);
        Assert.Matches(@"Filter: \(author_id = ", plan);
    }

    [Fact]
    public async Task The_activity_filter_of_a_fan_out_batch_is_one_primary_key_read()
    {
        var plan = await PlanAsync(PostgresTimelineReaderStore.ActiveReadersSql, new[] { Guid.NewGuid(), Guid.NewGuid() }, DateTimeOffset.UtcNow);

        Assert.Matches($"Index Scan using pkey_{TimelineTables.Readers}_user_id", plan);
        Assert.Matches(@"Index Cond: \(user_id = ANY ", plan);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_fan_out_batch_of_thousands_reads_the_readers_by_primary_key(bool again)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        // 20,000 readers, analyzed, and a batch of a quarter of them: a statement that lets the planner
        // weigh the ids gets a sequential scan of every reader (as the fan-out's did before). The rows and
        // their statistics roll back; the table's page and row counts, which ANALYZE writes in place, stay
        // (this class's database only, whose other plan tests price sequential scans out).
        await using (var readers = new NpgsqlCommand(
            $"""
            INSERT INTO {TimelineTables.Readers} (user_id, last_read_on)
            SELECT gen_random_uuid(), now() FROM generate_series(1, 20000);
            ANALYZE {TimelineTables.Readers};
            """,
            connection,
            transaction))
        {
            await readers.ExecuteNonQueryAsync(Ct);
        }

        var batch = new List<Guid>();
        await using (var sample = new NpgsqlCommand($"SELECT user_id FROM {TimelineTables.Readers} ORDER BY user_id LIMIT 5000", connection, transaction))
        await using (var reader = await sample.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                batch.Add(reader.GetGuid(0));
            }
        }

        var plan = await ExplainAsync(
            connection,
            transaction,
            again ? PostgresTimelineRowStore.AddActiveTimelineRowsAgainSql : PostgresTimelineRowStore.AddActiveTimelineRowsSql,
            batch.ToArray(),
            DateTimeOffset.UtcNow,
            Guid.NewGuid(),
            Guid.NewGuid(),
            DateTimeOffset.UtcNow.AddDays(-1));
        // A plain index scan or a bitmap of the index, by the planner's estimate; never every reader.
        Assert.Matches($"Index Scan (using|on) pkey_{TimelineTables.Readers}_user_id", plan);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        await transaction.RollbackAsync(Ct);
    }

    private async Task<string> PlanAsync(string sql, params object[] parameters)
    {
        await using var connection = await OpenAsync();
        // With the other scans priced out, a plan without the index shows the index cannot serve the statement.
        await using (var noOtherScans = new NpgsqlCommand("set enable_seqscan = off; set enable_bitmapscan = off", connection))
        {
            await noOtherScans.ExecuteNonQueryAsync(Ct);
        }

        return await ExplainAsync(connection, transaction: null, sql, parameters);
    }

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object[] parameters)
    {
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            explain.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }
}
