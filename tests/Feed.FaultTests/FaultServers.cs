using Npgsql;

namespace Feed.FaultTests;

/// <summary>
/// A PostgreSQL and a Redis of the fault tests' own, started with <c>build/services.sh</c> like the
/// suite's (same packages, loopback ports, throw-away data), so stopping and restarting them cannot
/// disturb the other test projects running at the same time. Present only where build/test.sh runs
/// (it installs the servers and sets <c>FEED_TEST_POSTGRES</c>); elsewhere every fault test is
/// skipped with <see cref="SkipReason"/>.
/// </summary>
public sealed class FaultServers : IAsyncLifetime
{
    public const string SkipReason =
        "Fault tests need real PostgreSQL and Redis servers: FEED_TEST_POSTGRES is not set (an in-memory run). Run ./build/test.sh.";

    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public static bool Available => Environment.GetEnvironmentVariable("FEED_TEST_POSTGRES") is not null;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string Postgres => _environment["FEED_TEST_POSTGRES"];

    public string Redis => _environment["FEED_TEST_REDIS"];

    public async ValueTask InitializeAsync()
    {
        if (!Available)
        {
            return;
        }

        // Start, and keep what later commands need to find these servers again.
        foreach (var (key, value) in await FaultShell.StartAsync("feed_services_start", _environment))
        {
            _environment[key] = value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_environment.Count > 0)
        {
            await ShellAsync("feed_services_stop");
        }
    }

    /// <summary>A fresh database for one test, on these servers.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"fault_{purpose}_{Guid.NewGuid():N}"[..40];
        // Unpooled: a pooled connection opened before a test restarted PostgreSQL is dead after it
        // (57P01), and the next test's first command would fail on it.
        var admin = new NpgsqlConnectionStringBuilder(Postgres) { Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(Postgres) { Database = name, MaxPoolSize = 20 }.ConnectionString;
    }

    public Task StopPostgresAsync() => ShellAsync("feed_pg_stop");

    public Task StartPostgresAsync() => ShellAsync("feed_pg_start");

    public Task StopRedisAsync() => ShellAsync("feed_redis_stop");

    public Task StartRedisAsync() => ShellAsync("feed_redis_start");

    private Task<string> ShellAsync(string command) => FaultShell.RunAsync(command, _environment);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Feed.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Feed.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The fault tests share one pair of servers and run one at a time: each one breaks them on purpose.</summary>
[CollectionDefinition(Name)]
public sealed class FaultTestGroup : ICollectionFixture<FaultServers>
{
    public const string Name = "fault";
}
