using Xunit;

namespace Feed.Testing;

/// <summary>
/// A test project's view of its module wired onto PostgreSQL (<see cref="ModuleOnPostgres"/>): what
/// <see cref="PostgresDatabase{TModule}"/> starts. Each instance is one "process": disposing it and
/// starting another on the same database is a restart.
/// </summary>
public interface IModuleOnPostgres<TSelf> : IAsyncDisposable
    where TSelf : IModuleOnPostgres<TSelf>
{
    /// <summary>What the names of the module's test databases start with.</summary>
    static abstract string DatabaseName { get; }

    static abstract Task<TSelf> StartAsync(string connectionString);
}

/// <summary>
/// One fresh database per test class, shared by its tests (they write under ids and names of their
/// own), with the module started on it.
/// </summary>
public sealed class PostgresDatabase<TModule> : IAsyncLifetime
    where TModule : class, IModuleOnPostgres<TModule>
{
    private TModule? _module;

    public string ConnectionString { get; private set; } = "";

    public TModule Module => _module ?? throw new InvalidOperationException("The database is not ready.");

    public async ValueTask InitializeAsync()
    {
        // Throws TestServers' message when FEED_TEST_POSTGRES is missing: these tests fail, never skip.
        ConnectionString = await TestServers.CreatePostgresDatabaseAsync(TModule.DatabaseName);
        _module = await TModule.StartAsync(ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            await _module.DisposeAsync();
        }
    }
}
