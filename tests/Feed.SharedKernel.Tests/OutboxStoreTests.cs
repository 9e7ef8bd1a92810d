using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;
using Feed.Testing;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feed.SharedKernel.Tests;

public sealed class InMemoryOutboxStoreTests : OutboxStoreContract
{
    protected override Task<(IOutboxStore Store, Func<OutboxMessage, Task> Commit)> CreateAsync()
    {
#pragma warning disable CA2000 // The signal lives as long as the test's store.
        var outbox = new InMemoryOutbox(Clock, new OutboxSignal());
#pragma warning restore CA2000
        return Task.FromResult<(IOutboxStore, Func<OutboxMessage, Task>)>((outbox, message =>
        {
            outbox.Enqueue(message);
            return Task.CompletedTask;
        }));
    }
}

/// <summary>The same contract on a real PostgreSQL, with the schema the host creates at start-up.</summary>
public sealed class PostgresOutboxStoreTests : OutboxStoreContract
{
    protected override async Task<(IOutboxStore Store, Func<OutboxMessage, Task> Commit)> CreateAsync()
    {
        var connectionString = await TestServers.CreatePostgresDatabaseAsync("outbox");
        var provider = await ModuleOnPostgres.StartAsync(connectionString, (services, _) => services, Clock);
        // Applying the schema again (a restart) is harmless.
        await provider.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var dataSource = provider.GetRequiredService<NpgsqlDataSource>();
        return (provider.GetRequiredService<IOutboxStore>(), async message =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(Ct);
            await using var transaction = await connection.BeginTransactionAsync(Ct);
            await PostgresOutbox.InsertAsync(connection, transaction, message, Ct);
            await transaction.CommitAsync(Ct);
        });
    }
}
