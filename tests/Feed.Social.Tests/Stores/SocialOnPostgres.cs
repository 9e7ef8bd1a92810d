using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;
using Feed.Social.Follows;
using Feed.Social.Posts;
using Feed.Users;
using Feed.Testing;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Feed.Social.Tests.Stores;

/// <summary>
/// The Social module wired to a PostgreSQL database exactly as the host wires it (storage chosen by
/// configuration, <c>AddFeedStorage</c>, <c>AddFeedOutbox</c> then <c>AddSocial</c>), with the schema
/// applied as start-up applies it. Each instance is one "process": disposing it and starting another is a restart.
/// </summary>
public sealed class SocialOnPostgres : IModuleOnPostgres<SocialOnPostgres>
{
    private readonly ServiceProvider _services;

    private SocialOnPostgres(ServiceProvider services) => _services = services;

    public static string DatabaseName => "social";

    internal IPostStore Posts => _services.GetRequiredService<IPostStore>();

    internal IFollowStore Follows => _services.GetRequiredService<IFollowStore>();

    internal OutboxMessageTypes MessageTypes => _services.GetRequiredService<OutboxMessageTypes>();

    public IDocumentStore Documents => _services.GetRequiredService<IDocumentStore>();

    public static async Task<SocialOnPostgres> StartAsync(string connectionString)
    {
        // With the Users module: its users table is what Social's stores check their writes against.
        var services = await ModuleOnPostgres.StartAsync(connectionString, (services, configuration) => services.AddUsers(configuration).AddSocial(configuration));
        return new SocialOnPostgres(services);
    }

    /// <summary>
    /// A user as the Users module stores one (a row of its table, its document reduced to the id):
    /// Social's stores refuse writes of users that do not exist. Synchronous, so contract tests can
    /// make users wherever they make ids.
    /// </summary>
    public Guid RegisterUser() => RegisterUser(Guid.NewGuid());

    public Guid RegisterUser(Guid userId)
    {
        using var insert = _services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"INSERT INTO {RegisteredUsers.PostgresTable} (id, data, mt_dotnet_type, username_key, email_key) VALUES ($1, jsonb_build_object('Id', $1), 'Feed.Users.Postgres.UserDocument', $2, $2)");
        insert.Parameters.Add(new NpgsqlParameter { Value = userId });
        insert.Parameters.Add(new NpgsqlParameter { Value = userId.ToString("N") });
        insert.ExecuteNonQuery();
        return userId;
    }

    /// <summary>The <c>outbox</c> row with this id, or null: what the dispatcher would deliver.</summary>
    public async ValueTask<OutboxMessage?> FindOutboxMessageAsync(Guid messageId)
    {
        await using var select = _services.GetRequiredService<NpgsqlDataSource>()
            .CreateCommand("SELECT message_id, type, payload, created_on FROM outbox WHERE message_id = $1");
        select.Parameters.Add(new NpgsqlParameter { Value = messageId });
        await using var reader = await select.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new OutboxMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }

    /// <summary>Every <c>outbox</c> row of one message type whose payload mentions <paramref name="id"/>.</summary>
    public async ValueTask<IReadOnlyList<OutboxMessage>> OutboxMessagesAboutAsync(string type, Guid id)
    {
        await using var select = _services.GetRequiredService<NpgsqlDataSource>()
            .CreateCommand("SELECT message_id, type, payload, created_on FROM outbox WHERE type = $1 AND strpos(payload, $2) > 0 ORDER BY created_on");
        select.Parameters.Add(new NpgsqlParameter { Value = type });
        select.Parameters.Add(new NpgsqlParameter { Value = id.ToString() });
        var found = new List<OutboxMessage>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found.Add(new OutboxMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return found;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
