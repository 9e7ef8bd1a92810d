using Feed.SharedKernel.Outbox;
using Feed.Testing;
using Feed.Users.Postgres;
using Npgsql;
using Weasel.Core;

namespace Feed.Users.Tests.Store;

/// <summary>The store contract against the Marten adapter on a real PostgreSQL, plus what only a database has: schema and restarts.</summary>
public sealed class PostgresUserStoreTests(PostgresDatabase<UsersOnPostgres> database) : UserStoreContract, IClassFixture<PostgresDatabase<UsersOnPostgres>>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private protected override ValueTask<IUserStore> CreateStoreAsync() => ValueTask.FromResult(database.Module.Store);

    private protected override async ValueTask<IReadOnlyList<OutboxMessage>> StoredAnnouncementsAsync(IReadOnlyCollection<Guid> messageIds)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(None);
        await using var select = new NpgsqlCommand(
            "SELECT message_id, type, payload, created_on, trace_parent FROM outbox WHERE message_id = ANY($1)", connection);
        select.Parameters.Add(new NpgsqlParameter { Value = messageIds.ToArray() });
        await using var reader = await select.ExecuteReaderAsync(None);
        var stored = new List<OutboxMessage>();
        while (await reader.ReadAsync(None))
        {
            stored.Add(new OutboxMessage(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return stored;
    }

    [Fact]
    public async Task A_switch_whose_announcement_cannot_be_stored_is_not_made()
    {
        var store = database.Module.Store;
        var user = UserFactory.NewUser();
        var other = UserFactory.NewUser();
        await store.AddAsync(user, None);
        await store.AddAsync(other, None);
        var announcement = Announcement();
        Assert.True(await store.TrySetInfluencerAsync(other.UserId, true, other.CreatedOn.AddSeconds(1), announcement, None));

        // The same message id again: the outbox's primary key refuses it, inside the switch's transaction.
        await Assert.ThrowsAnyAsync<Exception>(async () => await store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(1), announcement, None));

        Assert.Equal(user, await store.GetAsync(user.UserId, None));
        Assert.True(await store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(2), Announcement(), None));
    }

    [Fact]
    public void The_postgres_storage_choice_selects_the_marten_store()
    {
        Assert.IsType<MartenUserStore>(database.Module.Store);
    }

    [Fact]
    public async Task A_new_user_is_a_row_of_the_table_other_modules_check_their_writes_against()
    {
        var user = UserFactory.NewUser();
        await database.Module.Store.AddAsync(user, None);

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(None);
        await using var transaction = await connection.BeginTransactionAsync(None);
        await Feed.SharedKernel.Storage.RegisteredUsers.RequireAsync(connection, transaction, [user.UserId], None);
        await Assert.ThrowsAsync<Feed.SharedKernel.Problems.NotFoundException>(
            () => Feed.SharedKernel.Storage.RegisteredUsers.RequireAsync(connection, transaction, [user.UserId, Guid.NewGuid()], None));
    }

    [Fact]
    public async Task Applying_the_schema_again_at_start_up_is_harmless()
    {
        var user = UserFactory.NewUser();
        await database.Module.Store.AddAsync(user, None);

        await using var restarted = await UsersOnPostgres.StartAsync(database.ConnectionString);
        await restarted.Documents.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var migration = await restarted.Documents.Storage.CreateMigrationAsync();
        Assert.Equal(SchemaPatchDifference.None, migration.Difference);
        Assert.Equal(user, await restarted.Store.GetAsync(user.UserId, None));
    }

    [Fact]
    public async Task A_restarted_store_reads_what_the_previous_one_wrote_and_keeps_it_unique()
    {
        var user = UserFactory.NewUser(username: UserFactory.UniqueUsername("Restart"));
        await using (var before = await UsersOnPostgres.StartAsync(database.ConnectionString))
        {
            Assert.Equal(UserWriteOutcome.Done, await before.Store.AddAsync(user, None));
            Assert.True(await before.Store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(1), Announcement(), None));
        }

        await using var after = await UsersOnPostgres.StartAsync(database.ConnectionString);
        var expected = user with { IsInfluencer = true, UpdatedOn = user.CreatedOn.AddSeconds(1) };

        Assert.Equal(expected, await after.Store.GetAsync(user.UserId, None));
        Assert.Equal(expected, await after.Store.FindByUsernameAsync(user.Username.ToUpperInvariant(), None));
        Assert.Equal([expected], await after.Store.SearchByUsernamePrefixAsync(user.Username.ToLowerInvariant(), 10, None));
        Assert.False(await after.Store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(2), Announcement(), None));
        Assert.Equal(UserWriteOutcome.UsernameTaken, await after.Store.AddAsync(UserFactory.NewUser(username: user.Username.ToLowerInvariant()), None));
        Assert.Equal(UserWriteOutcome.EmailTaken, await after.Store.AddAsync(UserFactory.NewUser(email: user.Email.ToUpperInvariant()), None));
    }

    [Fact]
    public async Task Prefix_search_is_one_ordered_range_scan_of_the_username_index()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // With the other scans priced out, a plan without this index (or with a sort) shows the index cannot serve the query.
        await using (var noSeqScan = new NpgsqlCommand("set enable_seqscan = off; set enable_bitmapscan = off", connection))
        {
            await noSeqScan.ExecuteNonQueryAsync(cancellationToken);
        }

        var ordinal = UserDocumentMapping.UsernameKeyOrdinal;
        await using var explain = new NpgsqlCommand(
            $"explain select data from mt_doc_{UserDocumentMapping.TableAlias} where {ordinal} like 'ab\\_c%' order by {ordinal} limit 10", connection);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.Contains($"Index Scan using {UserDocumentMapping.UsernameKeyIndex}", text, StringComparison.Ordinal);
        Assert.Contains("Index Cond", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", text, StringComparison.Ordinal);
    }
}
