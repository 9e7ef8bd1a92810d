using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.Testing;

/// <summary>
/// A module wired to a PostgreSQL database exactly as the host wires it: storage chosen by
/// configuration, <c>AddFeedStorage</c> and <c>AddFeedOutbox</c>, then the module, with the schema
/// applied as start-up applies it. Each provider is one "process": disposing it and starting
/// another on the same database is a restart.
/// </summary>
public static class ModuleOnPostgres
{
    public static IConfiguration Configuration(string connectionString) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{StorageOptions.SectionName}:Provider"] = nameof(StorageProvider.Postgres),
                [$"ConnectionStrings:{StorageOptions.PostgresConnectionStringName}"] = connectionString,
            })
            .Build();

    public static async Task<ServiceProvider> StartAsync(
        string connectionString,
        Func<IServiceCollection, IConfiguration, IServiceCollection> addModule,
        TimeProvider? time = null)
    {
        var configuration = Configuration(connectionString);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(time ?? TimeProvider.System)
            .AddFeedStorage(configuration)
            .AddFeedOutbox(configuration);
        var provider = addModule(services, configuration).BuildServiceProvider();
        await provider.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return provider;
    }
}
