using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// The fan-out's raw ceiling for the whole write of an entry, a durable row and a cache entry: per batch
/// of followers one <c>INSERT ... SELECT FROM unnest(...)</c> of their timeline rows into a scratch
/// table identical to <c>timeline</c> (<c>LIKE timeline INCLUDING ALL</c>: same columns, key and
/// indexes; and a copy of its rows, so each insert meets an index of the same size, and each pass adds
/// as many rows as each measured post), then the same batch's ZADDs pipelined, with as many batches in
/// flight as the service writes at a time. Plain Npgsql and StackExchange.Redis, nothing else: no
/// follower reads, no activity filter, no cache script, no progress records, no outbox. The table is
/// only inserted into, with autovacuum off, so it leaves PostgreSQL no work to do while the fan-outs
/// are measured.
/// </summary>
internal sealed class StoreCeiling : IAsyncDisposable
{
    private const string Table = "bench_store_ceiling";

    private const string InsertRowsSql = $"""
        INSERT INTO {Table} (user_id, created_on, post_id, author_id)
        SELECT user_id, $2, $3, $4 FROM unnest($1::uuid[]) AS user_id
        """;

    private readonly NpgsqlDataSource _database;
    private readonly IDatabase _redis;

    private StoreCeiling(NpgsqlDataSource database, IConnectionMultiplexer redis)
    {
        _database = database;
        _redis = redis.GetDatabase();
    }

    public static async Task<StoreCeiling> CreateAsync(NpgsqlDataSource database, IConnectionMultiplexer redis, CancellationToken cancellationToken)
    {
        await using var create = database.CreateBatch();
        create.BatchCommands.Add(new NpgsqlBatchCommand($"DROP TABLE IF EXISTS {Table}"));
        create.BatchCommands.Add(new NpgsqlBatchCommand($"CREATE TABLE {Table} (LIKE timeline INCLUDING ALL) WITH (autovacuum_enabled = off)"));
        // In key order, as the seeder writes timeline, then vacuumed and analyzed as the seed ends.
        create.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO {Table} SELECT * FROM timeline ORDER BY user_id, created_on, post_id"));
        await create.ExecuteNonQueryAsync(cancellationToken);
        await using var vacuum = database.CreateCommand($"VACUUM (ANALYZE) {Table}");
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
        return new StoreCeiling(database, redis);
    }

    /// <summary>
    /// One pass: every follower's row and ZADD (to <paramref name="keys"/>, one per follower), batches
    /// of <paramref name="batchSize"/>, <paramref name="inFlight"/> at a time. Entries per second.
    /// </summary>
    public async Task<double> PassAsync(
        Guid[] followers, RedisKey[] keys, Guid authorId, int batchSize, int inFlight, CancellationToken cancellationToken)
    {
        var postId = Guid.CreateVersion7();
        var createdOn = DateTimeOffset.UtcNow;
        RedisValue member = postId.ToString("N");
        double score = createdOn.ToUnixTimeMilliseconds();
        var batches = followers.Chunk(batchSize).ToArray();

        // Connections open and the statement prepared before the clock starts, as in the service's
        // warm pool with automatic preparation.
        var writers = new List<(NpgsqlConnection Connection, NpgsqlCommand Insert)>();
        try
        {
            for (var i = 0; i < inFlight; i++)
            {
                var connection = await _database.OpenConnectionAsync(cancellationToken);
                var insert = new NpgsqlCommand(InsertRowsSql, connection);
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                insert.Parameters.Add(new NpgsqlParameter { Value = createdOn, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                insert.Parameters.Add(new NpgsqlParameter { Value = postId, NpgsqlDbType = NpgsqlDbType.Uuid });
                insert.Parameters.Add(new NpgsqlParameter { Value = authorId, NpgsqlDbType = NpgsqlDbType.Uuid });
                writers.Add((connection, insert));
                await insert.PrepareAsync(cancellationToken);
            }

            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(writers.Select(writer => WriteBatchesAsync(writer.Insert)));
            return followers.Length / clock.Elapsed.TotalSeconds;

            // Each writer takes the next batch: the row insert, then that batch's ZADDs, as one fan-out step.
            async Task WriteBatchesAsync(NpgsqlCommand insert)
            {
                for (var batch = Interlocked.Increment(ref next); batch < batches.Length; batch = Interlocked.Increment(ref next))
                {
                    insert.Parameters[0].Value = batches[batch];
                    await insert.ExecuteNonQueryAsync(cancellationToken);

                    var offset = batch * batchSize;
                    var redisBatch = _redis.CreateBatch();
                    var adds = new Task[batches[batch].Length];
                    for (var i = 0; i < adds.Length; i++)
                    {
                        adds[i] = redisBatch.SortedSetAddAsync(keys[offset + i], member, score);
                    }

                    redisBatch.Execute();
                    await Task.WhenAll(adds);
                }
            }
        }
        finally
        {
            foreach (var (connection, insert) in writers)
            {
                await insert.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await using var drop = _database.CreateCommand($"DROP TABLE IF EXISTS {Table}");
        await drop.ExecuteNonQueryAsync();
    }
}
