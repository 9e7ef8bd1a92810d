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
public sealed class UsersOnPostgres : IModuleOnPostgres<UsersOnPostgres>
{
    private readonly ServiceProvider _services;

    private UsersOnPostgres(ServiceProvider services) => _services = services;

    public static string DatabaseName => "users";

    internal IUserStore Store => _services.GetRequiredService<IUserStore>();

    public IDocumentStore Documents => _services.GetRequiredService<IDocumentStore>();

    public static async Task<UsersOnPostgres> StartAsync(string connectionString)
    {
        var services = await ModuleOnPostgres.StartAsync(connectionString, (services, configuration) => services.AddUsers(configuration));
        return new UsersOnPostgres(services);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
