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
}
