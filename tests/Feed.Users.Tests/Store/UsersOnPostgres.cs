using Feed.SharedKernel.Storage;
using Feed.Testing;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.Users.Tests.Store;

/// <summary>
/// The Users module wired to a PostgreSQL database exactly as the host wires it (storage chosen by
/// configuration, <c>AddFeedStorage</c> then <c>AddUsers</c>), with the schema applied as start-up
/// applies it. Each instance is one "process": disposing it and starting another is a restart.
/// </summary>
internal sealed class UsersOnPostgres : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private UsersOnPostgres(ServiceProvider services) => _services = services;

    public IUserStore Store => _services.GetRequiredService<IUserStore>();

    public IDocumentStore Documents => _services.GetRequiredService<IDocumentStore>();

    public static async Task<UsersOnPostgres> StartAsync(string connectionString)
    {
        var services = await ModuleOnPostgres.StartAsync(connectionString, (services, configuration) => services.AddUsers(configuration));
        return new UsersOnPostgres(services);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>One fresh database per test class, shared by its tests (they use unique names).</summary>
public sealed class PostgresUsersDatabase : IAsyncLifetime
{
    private UsersOnPostgres? _users;

    internal string ConnectionString { get; private set; } = "";

    internal UsersOnPostgres Users => _users ?? throw new InvalidOperationException("The database is not ready.");

    public async ValueTask InitializeAsync()
    {
        // Throws TestServers' message when FEED_TEST_POSTGRES is missing: these tests fail, never skip.
        ConnectionString = await TestServers.CreatePostgresDatabaseAsync("users");
        _users = await UsersOnPostgres.StartAsync(ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_users is not null)
        {
            await _users.DisposeAsync();
        }
    }
}
