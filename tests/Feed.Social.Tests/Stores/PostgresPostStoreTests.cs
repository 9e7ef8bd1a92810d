using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;
using Feed.Social.Contracts;
using Feed.Social.Postgres;
using Feed.Social.Posts.CreatePost;
using Feed.Social.Posts.DeletePost;
using Feed.Social.Posts;
using Feed.Testing;
using Weasel.Core;

namespace Feed.Social.Tests.Stores;

/// <summary>The post store contract on a real PostgreSQL, plus what only a database has: schema, restarts, plans.</summary>
public sealed class PostgresPostStoreTests(PostgresDatabase<SocialOnPostgres> database) : PostStoreContract, IClassFixture<PostgresDatabase<SocialOnPostgres>>
{
    private static readonly DateTimeOffset At = new(2025, 6, 1, 8, 30, 0, 123, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected override IPostStore CreateStore() => database.Module.Posts;

    private protected override void Register(Guid userId) => database.Module.RegisterUser(userId);

    private protected override ValueTask<OutboxMessage?> FindAnnouncementAsync(Guid messageId) => database.Module.FindOutboxMessageAsync(messageId);

    private static Post NewPost(Guid authorId, DateTimeOffset createdOn) =>
        new(Guid.CreateVersion7(createdOn), authorId, $"https://cdn.example.com/{Guid.NewGuid():N}.mp4", PostTypes.Video, createdOn, createdOn);

    private static OutboxMessage NewAnnouncement() => new(Guid.NewGuid(), "test.post_changed", "{}", At);

    [Fact]
    public void The_postgres_storage_choice_selects_the_postgres_store()
    {
        Assert.IsType<PostgresPostStore>(database.Module.Posts);
    }

    [Fact]
    public async Task Applying_the_schema_again_at_start_up_is_harmless()
    {
        var post = NewPost(NewUser(), At);
        await database.Module.Posts.AddAsync(post, NewAnnouncement(), Ct);

        await using var restarted = await SocialOnPostgres.StartAsync(database.ConnectionString);
        await restarted.Documents.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var migration = await restarted.Documents.Storage.CreateMigrationAsync();
        Assert.Equal(SchemaPatchDifference.None, migration.Difference);
        Assert.Equal(post, await restarted.Posts.GetAsync(post.PostId, Ct));
    }

    [Fact]
    public async Task A_restarted_store_reads_what_the_previous_one_wrote_with_its_announcements()
    {
        var authorId = NewUser();
        var posts = Enumerable.Range(0, 3).Select(i => NewPost(authorId, At.AddMilliseconds(i))).ToArray();
        var announcements = posts.Select(_ => NewAnnouncement()).ToArray();
        await using (var before = await SocialOnPostgres.StartAsync(database.ConnectionString))
        {
            for (var i = 0; i < posts.Length; i++)
            {
                await before.Posts.AddAsync(posts[i], announcements[i], Ct);
            }

            Assert.NotNull(await before.Posts.DeleteAsync(posts[1].PostId, NewAnnouncement(), Ct));
        }

        await using var after = await SocialOnPostgres.StartAsync(database.ConnectionString);

        Assert.Equal([posts[2], posts[0]], await after.Posts.ListByAuthorAsync(authorId, null, 10, Ct));
        Assert.Equal([posts[0]], await after.Posts.ListByAuthorAsync(authorId, new Cursor(posts[2].CreatedOn, posts[2].PostId), 10, Ct));
        Assert.Null(await after.Posts.GetAsync(posts[1].PostId, Ct));
        foreach (var announcement in announcements)
        {
            Assert.Equal(announcement, await after.FindOutboxMessageAsync(announcement.MessageId));
        }
    }

    [Fact]
    public async Task The_handlers_store_post_created_and_post_deleted_as_the_outbox_delivers_them()
    {
        var authorId = NewUser();
        var announcements = database.Module.MessageTypes;

        var created = await new CreatePostHandler(database.Module.Posts, announcements, TimeProvider.System)
            .Handle(new CreatePost(authorId, "https://cdn.example.com/a.jpg", PostTypes.Image), Ct);
        await new DeletePostHandler(database.Module.Posts, announcements, TimeProvider.System)
            .Handle(new DeletePost(created.PostId, authorId), Ct);

        var summary = new PostSummary(created.PostId, authorId, created.PostUrl, PostTypes.Image, created.CreatedOn);
        Assert.Equal(
            [new PostCreated(summary)],
            (await database.Module.OutboxMessagesAboutAsync("social.post_created", created.PostId)).Select(announcements.Unwrap));
        Assert.Equal(
            [new PostDeleted(created.PostId, authorId)],
            (await database.Module.OutboxMessagesAboutAsync("social.post_deleted", created.PostId)).Select(announcements.Unwrap));
    }

    [Fact]
    public async Task An_authors_page_is_one_backward_range_scan_of_the_primary_key_without_a_sort()
    {
        var primaryKey = SocialTables.Posts().PrimaryKeyName;

        var first = await QueryPlans.ExplainAsync(database.ConnectionString, PostgresPostStore.ReadFirst, Guid.NewGuid(), 20);
        var next = await QueryPlans.ExplainAsync(
            database.ConnectionString, PostgresPostStore.ReadAfterCursor, Guid.NewGuid(), At, Guid.NewGuid(), 20);

        foreach (var plan in new[] { first, next })
        {
            Assert.Contains($"Index Scan Backward using {primaryKey}", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Filter", plan, StringComparison.Ordinal);
        }

        Assert.Contains("ROW(created_on, post_id) < ROW(", next, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_by_post_id_uses_the_unique_post_id_index()
    {
        var plan = await QueryPlans.ExplainAsync(database.ConnectionString, PostgresPostStore.ReadById, Guid.NewGuid());

        Assert.Contains(SocialTables.PostIdIndex, plan, StringComparison.Ordinal);
    }
}
