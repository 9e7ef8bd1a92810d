using Feed.SharedKernel.Outbox;
using Feed.Social.Contracts;
using Feed.Social.Follows.FollowUser;
using Feed.Social.Follows.UnfollowUser;
using Feed.Social.Follows;
using Feed.Social.Postgres;
using Feed.Social.Tests.Handlers;
using Feed.Testing;
using Weasel.Core;

namespace Feed.Social.Tests.Stores;

/// <summary>The follow store contract on a real PostgreSQL, plus what only a database has: schema, restarts, plans.</summary>
public sealed class PostgresFollowStoreTests(PostgresDatabase<SocialOnPostgres> database) : FollowStoreContract, IClassFixture<PostgresDatabase<SocialOnPostgres>>
{
    private static readonly DateTimeOffset At = new(2025, 6, 1, 8, 30, 0, 123, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected override IFollowStore CreateStore() => database.Module.Follows;

    private protected override void Register(Guid userId) => database.Module.RegisterUser(userId);

    private protected override ValueTask<OutboxMessage?> FindAnnouncementAsync(Guid messageId) => database.Module.FindOutboxMessageAsync(messageId);

    private static OutboxMessage Announce(long followerCount) => new(Guid.NewGuid(), "test.follow_changed", $"{followerCount}", At);

    [Fact]
    public void The_postgres_storage_choice_selects_the_postgres_store()
    {
        Assert.IsType<PostgresFollowStore>(database.Module.Follows);
    }

    [Fact]
    public async Task Applying_the_schema_again_at_start_up_is_harmless()
    {
        var (follower, followee) = (NewUser(), NewUser());
        await database.Module.Follows.FollowAsync(follower, followee, At, Announce, Ct);

        await using var restarted = await SocialOnPostgres.StartAsync(database.ConnectionString);
        await restarted.Documents.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var migration = await restarted.Documents.Storage.CreateMigrationAsync();
        Assert.Equal(SchemaPatchDifference.None, migration.Difference);
        Assert.True(await restarted.Follows.IsFollowingAsync(follower, followee, Ct));
    }

    [Fact]
    public async Task A_restarted_store_reads_what_the_previous_one_wrote_and_keeps_follows_unique()
    {
        var followee = NewUser();
        var followers = Enumerable.Range(0, 3).Select(_ => NewUser()).ToArray();
        await using (var before = await SocialOnPostgres.StartAsync(database.ConnectionString))
        {
            foreach (var (follower, i) in followers.Select((id, i) => (id, i)))
            {
                await before.Follows.FollowAsync(follower, followee, At.AddSeconds(i), Announce, Ct);
            }

            await before.Follows.UnfollowAsync(followers[0], followee, Announce, Ct);
        }

        await using var after = await SocialOnPostgres.StartAsync(database.ConnectionString);

        Assert.Equal(2, await after.Follows.CountFollowersAsync(followee, Ct));
        Assert.Equal(
            [new FollowEntry(followers[2], At.AddSeconds(2)), new FollowEntry(followers[1], At.AddSeconds(1))],
            await after.Follows.ListFollowersAsync(followee, null, 10, Ct));
        Assert.Equal([new FollowEntry(followee, At.AddSeconds(1))], await after.Follows.ListFolloweesAsync(followers[1], null, 10, Ct));
        Assert.Empty(await after.Follows.ListFolloweesAsync(followers[0], null, 10, Ct));
        Assert.Equal(new FollowChange(false, 2), await after.Follows.FollowAsync(followers[1], followee, At.AddDays(1), Announce, Ct));
        Assert.Equal(new FollowChange(true, 3), await after.Follows.FollowAsync(followers[0], followee, At.AddDays(1), Announce, Ct));
    }

    [Fact]
    public async Task The_handlers_store_user_followed_and_user_unfollowed_with_the_counts_as_the_outbox_delivers_them()
    {
        var mediator = new FakeUsers(database.Module.RegisterUser);
        var (alice, bob, carol) = (mediator.AddUser(), mediator.AddUser(), mediator.AddUser());
        var announcements = database.Module.MessageTypes;
        var clock = new ManualClock(At);
        var follow = new FollowUserHandler(database.Module.Follows, mediator, announcements, mediator, clock);
        var unfollow = new UnfollowUserHandler(database.Module.Follows, mediator, announcements, mediator, clock);

        await follow.Handle(new FollowUser(alice, carol), Ct);
        clock.Advance(TimeSpan.FromSeconds(1));
        await follow.Handle(new FollowUser(bob, carol), Ct);
        await follow.Handle(new FollowUser(bob, carol), Ct);
        await unfollow.Handle(new UnfollowUser(alice, carol), Ct);
        await unfollow.Handle(new UnfollowUser(alice, carol), Ct);

        Assert.Equal(
            [new UserFollowed(alice, carol, At, 1), new UserFollowed(bob, carol, At.AddSeconds(1), 2)],
            (await database.Module.OutboxMessagesAboutAsync("social.user_followed", carol)).Select(announcements.Unwrap).OrderBy(followed => ((UserFollowed)followed).FolloweeFollowerCount));
        Assert.Equal(
            [new UserUnfollowed(alice, carol, 1)],
            (await database.Module.OutboxMessagesAboutAsync("social.user_unfollowed", carol)).Select(announcements.Unwrap));
    }

    [Fact]
    public async Task Follow_pages_are_backward_range_scans_of_the_primary_keys_without_a_sort()
    {
        foreach (var (partition, table) in new[]
                 {
                     (PostgresFollowStore.FollowersPartition, SocialTables.Followers()),
                     (PostgresFollowStore.FollowingPartition, SocialTables.Following()),
                 })
        {
            var first = await QueryPlans.ExplainAsync(database.ConnectionString, partition.ReadFirst, Guid.NewGuid(), 20);
            var next = await QueryPlans.ExplainAsync(database.ConnectionString, partition.ReadAfterCursor, Guid.NewGuid(), At, Guid.NewGuid(), 20);

            foreach (var plan in new[] { first, next })
            {
                Assert.Contains($"Scan Backward using {table.PrimaryKeyName}", plan, StringComparison.Ordinal);
                Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
                Assert.DoesNotContain("Filter", plan, StringComparison.Ordinal);
            }

            Assert.Contains($"ROW(created_on, {partition.RowColumn}) < ROW(", next, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_follower_count_is_one_primary_key_lookup()
    {
        var plan = await QueryPlans.ExplainAsync(database.ConnectionString, PostgresFollowStore.ReadFollowerCount, Guid.NewGuid());

        Assert.Contains($"Index Scan using {SocialTables.FollowerCounts().PrimaryKeyName}", plan, StringComparison.Ordinal);
    }
}
