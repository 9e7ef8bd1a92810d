using Feed.SharedKernel.Paging;
using Feed.Testing;
using Feed.Timeline.Postgres;
using Npgsql;
using Weasel.Core;

namespace Feed.Timeline.Tests.Postgres;

/// <summary>
/// What only a database has, beyond the store contracts (run on PostgreSQL by <see cref="PostgresTimelinePostStoreTests"/>
/// and its siblings): the schema, restarts, exact timestamps, big fan-out batches, lock order and query plans.
/// </summary>
public sealed class PostgresTimelineStoreTests(PostgresDatabase<TimelineOnPostgres> database) : IClassFixture<PostgresDatabase<TimelineOnPostgres>>
{
    private static readonly DateTimeOffset Epoch = new(2025, 6, 1, 8, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static TimelinePost Post(Guid authorId, long millis) =>
        new(Guid.NewGuid(), authorId, $"https://cdn.example/{Guid.NewGuid():N}.jpg", "video", Epoch.AddMilliseconds(millis));

    [Fact]
    public void The_postgres_storage_choice_selects_the_postgres_store()
    {
        var stores = database.Module.Stores;
        Assert.IsType<PostgresTimelinePostStore>(stores.Posts);
        Assert.IsType<PostgresTimelineRowStore>(stores.Rows);
        Assert.IsType<PostgresTimelineReaderStore>(stores.Readers);
        Assert.IsType<PostgresFanOutProgressStore>(stores.FanOutProgress);
    }

    [Fact]
    public async Task The_tables_are_keyed_partition_key_first_then_clustering_columns()
    {
        Assert.Equal("PRIMARY KEY (user_id, created_on, post_id)", await PrimaryKeyOfAsync(TimelineTables.Timeline));
        Assert.Equal("PRIMARY KEY (influencer_id, created_on, post_id)", await PrimaryKeyOfAsync(TimelineTables.InfluencerPosts));
        Assert.Equal("PRIMARY KEY (post_id)", await PrimaryKeyOfAsync(TimelineTables.Posts));
    }

    [Fact]
    public async Task Applying_the_schema_again_at_start_up_is_harmless()
    {
        var user = Guid.NewGuid();
        var post = Post(Guid.NewGuid(), 1);
        await database.Module.Stores.Posts.SavePostAsync(post, Ct);
        await database.Module.Stores.Rows.AddTimelineRowsAsync([user], post.ToEntry(), Ct);

        await using var restarted = await TimelineOnPostgres.StartAsync(database.ConnectionString);
        await restarted.Documents.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var migration = await restarted.Documents.Storage.CreateMigrationAsync();
        Assert.Equal(SchemaPatchDifference.None, migration.Difference);
        Assert.Equal(post, (await restarted.Stores.Posts.GetPostsAsync([post.PostId], Ct))[post.PostId]);
        Assert.Equal([post.ToEntry()], await restarted.Stores.Rows.GetTimelineRowsAsync(user, null, 10, Ct));
    }

    [Fact]
    public async Task A_restarted_store_reads_what_the_previous_one_wrote()
    {
        var reader = Guid.NewGuid();
        var author = Guid.NewGuid();
        var influencer = Guid.NewGuid();
        var pushed = Post(author, 10);
        var pulled = Post(influencer, 20);
        var removed = Post(influencer, 30);
        await using (var before = await TimelineOnPostgres.StartAsync(database.ConnectionString))
        {
            foreach (var post in new[] { pushed, pulled, removed })
            {
                await before.Stores.Posts.SavePostAsync(post, Ct);
            }

            await before.Stores.Rows.AddTimelineRowsAsync([reader], pushed.ToEntry(), Ct);
            await before.Stores.Posts.AddInfluencerPostAsync(pulled.ToEntry(), Ct);
            await before.Stores.Posts.AddInfluencerPostAsync(removed.ToEntry(), Ct);
        }

        await using var after = await TimelineOnPostgres.StartAsync(database.ConnectionString);
        await after.Stores.Posts.RemovePostAsync(influencer, removed.PostId, Ct);

        var posts = await after.Stores.Posts.GetPostsAsync([pushed.PostId, pulled.PostId, removed.PostId], Ct);
        Assert.Equal(new Dictionary<Guid, TimelinePost> { [pushed.PostId] = pushed, [pulled.PostId] = pulled }, posts);
        Assert.Equal([pushed.ToEntry()], await after.Stores.Rows.GetTimelineRowsAsync(reader, null, 10, Ct));
        Assert.Equal([pulled.ToEntry()], (await after.Stores.Posts.GetInfluencerPostsAsync([influencer, author], null, 10, Ct))[influencer]);
        Assert.Equal([influencer], await after.Stores.Posts.GetPulledAuthorsAsync([author, influencer], Ct));
    }

    [Fact]
    public async Task Timestamps_are_stored_and_read_back_exactly_in_utc()
    {
        var stores = database.Module.Stores;
        var reader = Guid.NewGuid();
        var influencer = Guid.NewGuid();
        // Milliseconds that a float or a truncation to seconds would change, far from the epoch too.
        DateTimeOffset[] moments =
        [
            new(2025, 12, 31, 23, 59, 59, 999, TimeSpan.Zero),
            new(2001, 1, 1, 0, 0, 0, 1, TimeSpan.Zero),
            new(2199, 7, 4, 12, 34, 56, 789, TimeSpan.Zero),
        ];
        var posts = moments.Select(at => new TimelinePost(Guid.NewGuid(), influencer, "https://cdn.example/a.jpg", "image", at)).ToList();
        foreach (var post in posts)
        {
            await stores.Posts.SavePostAsync(post, Ct);
            await stores.Rows.AddTimelineRowsAsync([reader], post.ToEntry(), Ct);
            await stores.Posts.AddInfluencerPostAsync(post.ToEntry(), Ct);
        }

        var saved = await stores.Posts.GetPostsAsync([.. posts.Select(post => post.PostId)], Ct);
        var rows = await stores.Rows.GetTimelineRowsAsync(reader, null, 10, Ct);
        var influencerPosts = (await stores.Posts.GetInfluencerPostsAsync([influencer], null, 10, Ct))[influencer];

        var readBack = saved.Values.Select(post => post.CreatedOn).Concat(rows.Select(row => row.CreatedOn)).Concat(influencerPosts.Select(entry => entry.CreatedOn)).ToList();
        Assert.Equal(moments.Length * 3, readBack.Count);
        Assert.All(readBack, at => Assert.Equal(TimeSpan.Zero, at.Offset));
        Assert.Equal(moments.Order().Select(at => at.UtcTicks), saved.Values.Select(post => post.CreatedOn.UtcTicks).Order());
        Assert.Equal(moments.OrderDescending().Select(at => at.UtcTicks), rows.Select(row => row.CreatedOn.UtcTicks));
        Assert.Equal(moments.OrderDescending().Select(at => at.UtcTicks), influencerPosts.Select(entry => entry.CreatedOn.UtcTicks));
        // A cursor at a row's exact key excludes that row, one a microsecond newer does not: the stored value is the written one.
        var newest = rows[0].Key;
        Assert.Equal(rows.Skip(1), await stores.Rows.GetTimelineRowsAsync(reader, newest, 10, Ct));
        Assert.Equal(rows, await stores.Rows.GetTimelineRowsAsync(reader, newest with { At = newest.At.AddTicks(TimeSpan.TicksPerMicrosecond) }, 10, Ct));
    }

    [Fact]
    public async Task A_fan_out_to_thousands_of_users_lands_once_per_user_and_is_idempotent()
    {
        var stores = database.Module.Stores;
        var post = Post(Guid.NewGuid(), 40);
        var followers = Enumerable.Range(0, 6000).Select(_ => Guid.NewGuid()).ToArray();

        await stores.Rows.AddTimelineRowsAsync(followers[..5000], post.ToEntry(), Ct);
        // A retried batch overlapping the first, with a repeated id inside it.
        await stores.Rows.AddTimelineRowsAsync([.. followers[4000..], followers[4500]], post.ToEntry(), Ct);

        Assert.Equal(followers.Length, await CountTimelineRowsOfAsync(post.PostId));
        foreach (var follower in new[] { followers[0], followers[4500], followers[^1] })
        {
            Assert.Equal([post.ToEntry()], await stores.Rows.GetTimelineRowsAsync(follower, null, 10, Ct));
        }
    }

    [Fact]
    public async Task Concurrent_fan_outs_of_one_post_to_the_same_users_in_any_order_do_not_deadlock()
    {
        var stores = database.Module.Stores;
        var post = Post(Guid.NewGuid(), 50);
        var followers = Enumerable.Range(0, 2000).Select(_ => Guid.NewGuid()).ToArray();

        // A retried fan-out running beside the original, each listing the followers in its own order.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(seed => Task.Run(async () =>
        {
            var shuffled = followers.ToArray();
            new Random(seed).Shuffle(shuffled);
            await stores.Rows.AddTimelineRowsAsync(shuffled, post.ToEntry(), Ct);
        })));

        Assert.Equal(followers.Length, await CountTimelineRowsOfAsync(post.PostId));
    }

    [Fact]
    public async Task Timeline_and_influencer_reads_are_backward_range_scans_of_the_primary_key_without_a_sort()
    {
        var after = new SequenceKey(Epoch, Guid.NewGuid());

        var timelinePlan = await PlanAsync(PostgresTimelineRowStore.TimelineRowsAfterSql, Guid.NewGuid(), 20, after.At, after.Id);
        var influencerPlan = await PlanAsync(PostgresTimelinePostStore.InfluencerPostsAfterSql, new[] { Guid.NewGuid(), Guid.NewGuid() }, 5, after.At, after.Id);

        AssertBackwardRangeScan(timelinePlan, $"pkey_{TimelineTables.Timeline}_user_id_created_on_post_id");
        AssertBackwardRangeScan(influencerPlan, $"pkey_{TimelineTables.InfluencerPosts}_influencer_id_created_on_post_id");
    }

    [Fact]
    public async Task Pulled_authors_are_read_by_primary_key_from_both_tables()
    {
        var plan = await PlanAsync(PostgresTimelinePostStore.PulledAuthorsSql, new[] { Guid.NewGuid(), Guid.NewGuid() });

        Assert.Contains($"using pkey_{TimelineTables.InfluencerPosts}_influencer_id_created_on_post_id", plan, StringComparison.Ordinal);
        Assert.Contains($"using pkey_{TimelineTables.PulledAuthors}_author_id", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SubPlan", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_a_post_known_to_the_read_model_reads_one_key_of_influencer_posts()
    {
        var plan = await PlanAsync(PostgresTimelinePostStore.RemovePostSql, Guid.NewGuid(), Guid.NewGuid());

        Assert.Contains($"using pkey_{TimelineTables.InfluencerPosts}_influencer_id_created_on_post_id", plan, StringComparison.Ordinal);
        Assert.Matches(@"Index Cond: \(\(influencer_id = .*created_on >= .*created_on <= ", plan);
    }

    private static void AssertBackwardRangeScan(string plan, string primaryKey)
    {
        Assert.Matches($"Index (Only )?Scan Backward using {primaryKey}", plan);
        Assert.Contains("Index Cond", plan, StringComparison.Ordinal);
        Assert.Contains("ROW(created_on, post_id) < ROW(", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Filter", plan, StringComparison.Ordinal);
    }

    private async Task<string> PlanAsync(string sql, params object[] parameters)
    {
        await using var connection = await OpenAsync();
        // With the other scans priced out, a plan without the index (or with a sort) shows the index cannot serve the query.
        await using (var noOtherScans = new NpgsqlCommand("set enable_seqscan = off; set enable_bitmapscan = off", connection))
        {
            await noOtherScans.ExecuteNonQueryAsync(Ct);
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var parameter in parameters)
        {
            explain.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    private async Task<string> PrimaryKeyOfAsync(string table)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        return (string)(await command.ExecuteScalarAsync(Ct) ?? "");
    }

    private async Task<long> CountTimelineRowsOfAsync(Guid postId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {TimelineTables.Timeline} WHERE post_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = postId });
        return (long)(await command.ExecuteScalarAsync(Ct) ?? 0L);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }
}
