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
            Assert.True(await before.Store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(1), None));
        }

        await using var after = await UsersOnPostgres.StartAsync(database.ConnectionString);
        var expected = user with { IsInfluencer = true, UpdatedOn = user.CreatedOn.AddSeconds(1) };

        Assert.Equal(expected, await after.Store.GetAsync(user.UserId, None));
        Assert.Equal(expected, await after.Store.FindByUsernameAsync(user.Username.ToUpperInvariant(), None));
        Assert.Equal([expected], await after.Store.SearchByUsernamePrefixAsync(user.Username.ToLowerInvariant(), 10, None));
        Assert.False(await after.Store.TrySetInfluencerAsync(user.UserId, true, user.CreatedOn.AddSeconds(2), None));
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
