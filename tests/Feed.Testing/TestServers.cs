using Npgsql;
using StackExchange.Redis;

namespace Feed.Testing;

/// <summary>
/// The real PostgreSQL and Redis that <c>build/test.sh</c> starts for the tests, found through
/// <c>FEED_TEST_POSTGRES</c> and <c>FEED_TEST_REDIS</c>. A test that needs them fails loudly when they
/// are missing: a store test that silently skips would claim coverage it does not have.
/// </summary>
public static class TestServers
{
    public static string PostgresServer => Environment.GetEnvironmentVariable("FEED_TEST_POSTGRES")
        ?? throw new InvalidOperationException("FEED_TEST_POSTGRES is not set: run the tests with ./build/test.sh, which starts PostgreSQL and Redis.");

    public static string RedisServer => Environment.GetEnvironmentVariable("FEED_TEST_REDIS")
        ?? throw new InvalidOperationException("FEED_TEST_REDIS is not set: run the tests with ./build/test.sh, which starts PostgreSQL and Redis.");

    /// <summary>Creates an empty database of its own for one test class and returns its connection string.</summary>
    public static async Task<string> CreatePostgresDatabaseAsync(string purpose)
    {
        var name = $"feed_{Guid.NewGuid():N}_{purpose.ToLowerInvariant()}";
        name = name.Length > 63 ? name[..63] : name; // PostgreSQL's identifier limit
        await using (var connection = new NpgsqlConnection(PostgresServer))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString;
    }

    /// <summary>A Redis connection for tests; each test uses keys of its own or a database index of its own.</summary>
    public static Task<ConnectionMultiplexer> ConnectRedisAsync() =>
        ConnectionMultiplexer.ConnectAsync($"{RedisServer},allowAdmin=true,abortConnect=false");

    /// <summary>
    /// Deletes every key starting with <paramref name="prefix"/>, as a flush or eviction would: on every
    /// master of a cluster (one server otherwise), one key per DEL (a cluster refuses a DEL across slots).
    /// Returns how many there were.
    /// </summary>
    public static async Task<int> DeleteRedisKeysAsync(IConnectionMultiplexer redis, string prefix, int database = 0)
    {
        var keys = new List<RedisKey>();
        foreach (var server in redis.GetServers().Where(server => !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(database, prefix + "*"))
            {
                keys.Add(key);
            }
        }

        var db = redis.GetDatabase(database);
        await Task.WhenAll(keys.Select(key => db.KeyDeleteAsync(key)));
        return keys.Count;
    }
}
