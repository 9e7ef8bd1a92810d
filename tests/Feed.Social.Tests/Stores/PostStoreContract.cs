using Feed.SharedKernel.Problems;
using CsCheck;
using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;
using Feed.Social.Posts;
using Feed.Testing;

namespace Feed.Social.Tests.Stores;

/// <summary>
/// What every <see cref="IPostStore"/> adapter must do. Each adapter's test class derives from this
/// and supplies the store and a way to find what it stored in its outbox; tests use fresh author,
/// post and message ids, so a store may be shared between them.
/// </summary>
public abstract class PostStoreContract : SocialStoreContract
{
    private protected abstract IPostStore CreateStore();

    [Fact]
    public async Task A_post_by_a_user_that_does_not_exist_is_refused_and_nothing_is_stored_or_announced()
    {
        var store = CreateStore();
        var post = NewPost(Guid.NewGuid(), Epoch);
        var announcement = NewAnnouncement();

        await Assert.ThrowsAsync<NotFoundException>(async () => await store.AddAsync(post, announcement, Ct));

        Assert.Null(await store.GetAsync(post.PostId, Ct));
        Assert.Empty(await store.ListByAuthorAsync(post.UserId, null, 10, Ct));
        Assert.Null(await FindAnnouncementAsync(announcement.MessageId));
    }

    private static OutboxMessage NewAnnouncement() =>
        new(Guid.NewGuid(), "test.post_changed", $$"""{"n":"{{Guid.NewGuid():N}}"}""", Epoch.AddMilliseconds(Random.Shared.Next(1000)));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Post NewPost(Guid authorId, DateTimeOffset createdOn, Guid? postId = null, string type = PostTypes.Image) =>
        new(postId ?? Guid.NewGuid(), authorId, $"https://cdn.example.com/{Guid.NewGuid():N}.jpg", type, createdOn, createdOn);

    private static List<Post> NewestFirst(IEnumerable<Post> posts) =>
        PageOrder.NewestFirst(posts, post => post.CreatedOn, post => post.PostId);

    private static async Task<List<Post>> ReadAllPagesAsync(IPostStore store, Guid authorId, Func<int> nextLimit)
    {
        var all = new List<Post>();
        Cursor? cursor = null;
        for (var pages = 1; ; pages++)
        {
            // A cursor that fails to move on would page forever; no test here needs this many pages.
            Assert.True(pages <= 10_000, "paging never reached an empty page");
            var limit = nextLimit();
            var page = await store.ListByAuthorAsync(authorId, cursor, limit, Ct);
            Assert.True(page.Count <= limit, $"a page held {page.Count} posts for limit {limit}");
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
            cursor = new Cursor(page[^1].CreatedOn, page[^1].PostId);
        }
    }

    [Fact]
    public async Task Add_then_get_returns_every_field()
    {
        var store = CreateStore();
        var post = NewPost(NewUser(), Epoch.AddMilliseconds(123), type: PostTypes.Carousel) with { UpdatedOn = Epoch.AddSeconds(5) };

        await store.AddAsync(post, NewAnnouncement(), Ct);

        Assert.Equal(post, await store.GetAsync(post.PostId, Ct));
    }

    [Fact]
    public async Task Add_stores_the_announcement_with_the_post()
    {
        var store = CreateStore();
        var post = NewPost(NewUser(), Epoch);
        var announcement = NewAnnouncement();

        await store.AddAsync(post, announcement, Ct);

        Assert.Equal(post, await store.GetAsync(post.PostId, Ct));
        Assert.Equal(announcement, await FindAnnouncementAsync(announcement.MessageId));
    }

    [Fact]
    public async Task Adding_a_taken_post_id_fails_and_stores_neither_the_post_nor_its_announcement()
    {
        var store = CreateStore();
        var authorId = NewUser();
        var first = NewPost(authorId, Epoch);
        await store.AddAsync(first, NewAnnouncement(), Ct);
        var clash = NewPost(authorId, Epoch.AddSeconds(1), first.PostId);
        var announcement = NewAnnouncement();

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.AddAsync(clash, announcement, Ct));

        Assert.Null(await FindAnnouncementAsync(announcement.MessageId));
        Assert.Equal(first, await store.GetAsync(first.PostId, Ct));
        Assert.Equal([first], await store.ListByAuthorAsync(authorId, null, 10, Ct));
    }

    [Fact]
    public async Task Delete_stores_its_announcement_only_when_it_removed_the_post()
    {
        var store = CreateStore();
        var post = NewPost(NewUser(), Epoch);
        await store.AddAsync(post, NewAnnouncement(), Ct);
        var (removing, repeated, unknown) = (NewAnnouncement(), NewAnnouncement(), NewAnnouncement());

        Assert.Equal(post, await store.DeleteAsync(post.PostId, removing, Ct));
        Assert.Null(await store.DeleteAsync(post.PostId, repeated, Ct));
        Assert.Null(await store.DeleteAsync(Guid.NewGuid(), unknown, Ct));

        Assert.Equal(removing, await FindAnnouncementAsync(removing.MessageId));
        Assert.Null(await FindAnnouncementAsync(repeated.MessageId));
        Assert.Null(await FindAnnouncementAsync(unknown.MessageId));
    }

    [Fact]
    public async Task Concurrent_deletes_of_one_post_remove_and_announce_once()
    {
        var store = CreateStore();
        var post = NewPost(NewUser(), Epoch);
        await store.AddAsync(post, NewAnnouncement(), Ct);
        var announcements = Enumerable.Range(0, 32).Select(_ => NewAnnouncement()).ToArray();

        var removed = await Task.WhenAll(announcements.Select(announcement =>
            Task.Run(async () => await store.DeleteAsync(post.PostId, announcement, Ct), Ct)));

        Assert.Equal(post, Assert.Single(removed, deleted => deleted is not null));
        var stored = new List<OutboxMessage>();
        foreach (var announcement in announcements)
        {
            if (await FindAnnouncementAsync(announcement.MessageId) is { } found)
            {
                stored.Add(found);
            }
        }

        Assert.Equal([announcements[Array.IndexOf(removed, post)]], stored);
    }

    [Fact]
    public async Task Get_of_an_unknown_post_is_null()
    {
        var store = CreateStore();

        Assert.Null(await store.GetAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task Delete_returns_the_removed_post_and_it_is_gone_everywhere()
    {
        var store = CreateStore();
        var authorId = NewUser();
        var kept = NewPost(authorId, Epoch);
        var deleted = NewPost(authorId, Epoch.AddMilliseconds(1));
        await store.AddAsync(kept, NewAnnouncement(), Ct);
        await store.AddAsync(deleted, NewAnnouncement(), Ct);

        Assert.Equal(deleted, await store.DeleteAsync(deleted.PostId, NewAnnouncement(), Ct));

        Assert.Null(await store.GetAsync(deleted.PostId, Ct));
        Assert.Equal([kept], await store.ListByAuthorAsync(authorId, null, 10, Ct));
        Assert.Null(await store.DeleteAsync(deleted.PostId, NewAnnouncement(), Ct));
    }

    [Fact]
    public async Task Delete_of_an_unknown_post_is_null()
    {
        var store = CreateStore();

        Assert.Null(await store.DeleteAsync(Guid.NewGuid(), NewAnnouncement(), Ct));
    }

    [Fact]
    public async Task List_returns_only_the_authors_posts_newest_first()
    {
        var store = CreateStore();
        var authorId = NewUser();
        var older = NewPost(authorId, Epoch);
        var newest = NewPost(authorId, Epoch.AddMinutes(2));
        var middle = NewPost(authorId, Epoch.AddMinutes(1));
        await store.AddAsync(older, NewAnnouncement(), Ct);
        await store.AddAsync(newest, NewAnnouncement(), Ct);
        await store.AddAsync(middle, NewAnnouncement(), Ct);
        await store.AddAsync(NewPost(NewUser(), Epoch.AddMinutes(1)), NewAnnouncement(), Ct);

        Assert.Equal([newest, middle, older], await store.ListByAuthorAsync(authorId, null, 10, Ct));
    }

    [Fact]
    public async Task List_of_an_author_without_posts_is_empty()
    {
        var store = CreateStore();

        Assert.Empty(await store.ListByAuthorAsync(Guid.NewGuid(), null, 10, Ct));
    }

    [Fact]
    public async Task List_takes_at_most_limit_posts_strictly_after_the_cursor()
    {
        var store = CreateStore();
        var authorId = NewUser();
        var posts = Enumerable.Range(0, 5).Select(i => NewPost(authorId, Epoch.AddSeconds(i))).ToArray();
        foreach (var post in posts)
        {
            await store.AddAsync(post, NewAnnouncement(), Ct);
        }

        var first = await store.ListByAuthorAsync(authorId, null, 2, Ct);
        var second = await store.ListByAuthorAsync(authorId, new Cursor(first[^1].CreatedOn, first[^1].PostId), 2, Ct);
        var rest = await store.ListByAuthorAsync(authorId, new Cursor(second[^1].CreatedOn, second[^1].PostId), 10, Ct);

        Assert.Equal([posts[4], posts[3]], first);
        Assert.Equal([posts[2], posts[1]], second);
        Assert.Equal([posts[0]], rest);
    }

    [Fact]
    public async Task Posts_sharing_a_millisecond_page_by_post_id_without_gap_or_duplicate()
    {
        var store = CreateStore();
        var authorId = NewUser();
        var sameInstant = Epoch.AddMilliseconds(42);
        var tied = Enumerable.Range(0, 7).Select(_ => NewPost(authorId, sameInstant)).ToList();
        var before = NewPost(authorId, sameInstant.AddMilliseconds(-1));
        var after = NewPost(authorId, sameInstant.AddMilliseconds(1));
        foreach (var post in tied.Append(before).Append(after))
        {
            await store.AddAsync(post, NewAnnouncement(), Ct);
        }

        var paged = await ReadAllPagesAsync(store, authorId, () => 3);

        Assert.Equal([after, .. tied.OrderByDescending(post => post.PostId), before], paged);
    }

    [Fact]
    public async Task Ties_on_created_on_order_by_the_whole_post_id_most_significant_byte_first()
    {
        var store = CreateStore();
        var authorId = NewUser();
        var posts = ByteOrderIds.Create().Select(id => NewPost(authorId, Epoch, id)).ToArray();
        foreach (var post in posts.Reverse())
        {
            await store.AddAsync(post, NewAnnouncement(), Ct);
        }

        var paged = await ReadAllPagesAsync(store, authorId, () => 1);

        // SequenceKey (Guid.CompareTo) order: the textual order, first byte most significant.
        Assert.Equal(posts.OrderByDescending(post => post.PostId.ToString(), StringComparer.Ordinal).Select(post => post.PostId), paged.Select(post => post.PostId));
        Assert.Equal(NewestFirst(posts), paged);
    }

    [Fact]
    public async Task A_cursor_keeps_its_place_after_the_post_it_names_is_deleted()
    {
        var store = CreateStore();
        var authorId = NewUser();
        var posts = Enumerable.Range(0, 4).Select(i => NewPost(authorId, Epoch.AddSeconds(i))).ToArray();
        foreach (var post in posts)
        {
            await store.AddAsync(post, NewAnnouncement(), Ct);
        }

        var first = await store.ListByAuthorAsync(authorId, null, 2, Ct);
        await store.DeleteAsync(first[^1].PostId, NewAnnouncement(), Ct);
        var next = await store.ListByAuthorAsync(authorId, new Cursor(first[^1].CreatedOn, first[^1].PostId), 10, Ct);

        Assert.Equal([posts[1], posts[0]], next);
    }

    [Fact]
    public async Task Concurrent_adds_are_all_kept()
    {
        var store = CreateStore();
        var authorId = NewUser();
        var posts = Enumerable.Range(0, 200).Select(i => NewPost(authorId, Epoch.AddMilliseconds(i % 7))).ToArray();

        await Task.WhenAll(posts.Select(post => Task.Run(async () => await store.AddAsync(post, NewAnnouncement(), Ct), Ct)));

        Assert.Equal(NewestFirst(posts), await store.ListByAuthorAsync(authorId, null, 1000, Ct));
    }

    [Fact]
    public async Task Paging_with_random_limits_returns_every_post_once_in_order()
    {
        var store = CreateStore();
        // Few distinct milliseconds for many posts: ties are the rule, not the exception.
        var gen = Gen.Select(
            Gen.Int[0, 6].Array[0, 60],
            Gen.Int[1, 12].Array[1, 6]);

        await gen.SampleAsync(
            async (offsets, limits) =>
            {
                var authorId = NewUser();
                var posts = offsets.Select(offset => NewPost(authorId, Epoch.AddMilliseconds(offset))).ToArray();
                foreach (var post in posts)
                {
                    await store.AddAsync(post, NewAnnouncement(), Ct);
                }

                var pageNumber = 0;
                var paged = await ReadAllPagesAsync(store, authorId, () => limits[pageNumber++ % limits.Length]);

                Assert.Equal(NewestFirst(posts).Select(post => post.PostId), paged.Select(post => post.PostId));
            },
            iter: 200);
    }
}
