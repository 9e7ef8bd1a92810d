using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Feed.Social.InMemory;
using Feed.Social.Posts;
using Feed.Social.Posts.CreatePost;
using Feed.Social.Posts.DeletePost;
using Feed.Social.Posts.GetPost;
using Feed.Social.Posts.GetRecentPosts;
using Feed.Social.Posts.ListUserPosts;
using Feed.Testing;

namespace Feed.Social.Tests.Handlers;

public sealed class PostHandlerTests : IDisposable
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567));
    private readonly SocialInMemory _social;
    private readonly IPostStore _posts;
    private readonly FakeUsers _mediator;

    public PostHandlerTests()
    {
        _social = new SocialInMemory(_clock);
        _mediator = new FakeUsers(_social.RegisteredUsers);
        _posts = _social.Posts;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _social.Dispose();

    private CreatePostHandler CreateHandler() => new(_posts, _social.MessageTypes, _clock);

    private DeletePostHandler DeleteHandler() => new(_posts, _social.MessageTypes, _clock);

    private async Task<PostResponse> CreateAsync(Guid authorId, string type = PostTypes.Image)
    {
        var post = await CreateHandler().Handle(new CreatePost(authorId, $"https://cdn.example.com/{Guid.NewGuid():N}", type), Ct);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        return post;
    }

    [Fact]
    public void The_in_memory_storage_choice_selects_the_in_memory_store()
    {
        Assert.IsType<InMemoryPostStore>(_posts);
    }

    [Fact]
    public async Task Create_saves_the_post_at_millisecond_precision_with_its_announcement()
    {
        var authorId = _mediator.AddUser();

        var post = await CreateHandler().Handle(new CreatePost(authorId, "https://cdn.example.com/a.mp4", PostTypes.Video), Ct);

        var expectedAt = DateTimeOffset.FromUnixTimeMilliseconds(_clock.Now.ToUnixTimeMilliseconds());
        Assert.Equal(new PostResponse(post.PostId, authorId, "https://cdn.example.com/a.mp4", PostTypes.Video, expectedAt, expectedAt), post);
        Assert.Equal(7, post.PostId.Version);
        Assert.Equal(PostResponse.From((await _posts.GetAsync(post.PostId, Ct))!), post);
        var message = Assert.Single(await _social.PendingMessagesAsync());
        Assert.Equal(("social.post_created", _clock.Now, 7), (message.Type, message.CreatedOn, message.MessageId.Version));
        Assert.NotEqual(post.PostId, message.MessageId);
        var created = Assert.IsType<PostCreated>(Assert.Single(await _social.TakeAnnouncedAsync()));
        Assert.Equal(new PostSummary(post.PostId, authorId, post.PostUrl, PostTypes.Video, expectedAt), created.Post);
    }

    [Fact]
    public async Task Get_returns_the_post_or_not_found()
    {
        var post = await CreateAsync(_mediator.AddUser());
        var handler = new GetPostHandler(_posts);

        Assert.Equal(post, await handler.Handle(new GetPost(post.PostId), Ct));
        await Assert.ThrowsAsync<NotFoundException>(async () => await handler.Handle(new GetPost(Guid.NewGuid()), Ct));
    }

    [Fact]
    public async Task The_author_deletes_a_post_and_it_is_announced()
    {
        var authorId = _mediator.AddUser();
        var post = await CreateAsync(authorId);
        await _social.TakeAnnouncedAsync();

        await DeleteHandler().Handle(new DeletePost(post.PostId, authorId), Ct);

        Assert.Null(await _posts.GetAsync(post.PostId, Ct));
        Assert.Equal(new PostDeleted(post.PostId, authorId), Assert.Single(await _social.TakeAnnouncedAsync()));
    }

    [Fact]
    public async Task A_delete_within_the_posts_millisecond_is_stamped_after_its_creation_so_the_outbox_delivers_it_second()
    {
        var authorId = _mediator.AddUser();
        var post = await CreateHandler().Handle(new CreatePost(authorId, "https://cdn.example.com/a.jpg", PostTypes.Image), Ct);
        _clock.Advance(TimeSpan.FromTicks(10));

        await DeleteHandler().Handle(new DeletePost(post.PostId, authorId), Ct);

        var messages = await _social.PendingMessagesAsync();
        Assert.Equal(["social.post_created", "social.post_deleted"], messages.Select(message => message.Type));
        Assert.True(messages[0].CreatedOn < messages[1].CreatedOn);
        Assert.Equal(post.CreatedOn, _clock.GetUtcNowMilliseconds());
    }

    [Fact]
    public async Task Someone_else_cannot_delete_a_post()
    {
        var post = await CreateAsync(_mediator.AddUser());
        await _social.TakeAnnouncedAsync();

        await Assert.ThrowsAsync<ForbiddenException>(async () =>
            await DeleteHandler().Handle(new DeletePost(post.PostId, _mediator.AddUser()), Ct));

        Assert.NotNull(await _posts.GetAsync(post.PostId, Ct));
        Assert.Empty(await _social.TakeAnnouncedAsync());
    }

    [Fact]
    public async Task Deleting_an_unknown_post_is_not_found_and_announces_nothing()
    {
        await Assert.ThrowsAsync<NotFoundException>(async () =>
            await DeleteHandler().Handle(new DeletePost(Guid.NewGuid(), Guid.NewGuid()), Ct));

        Assert.Empty(await _social.TakeAnnouncedAsync());
    }

    [Fact]
    public async Task Listing_pages_newest_first_and_the_last_page_has_no_cursor()
    {
        var authorId = _mediator.AddUser();
        var posts = new List<PostResponse>();
        for (var i = 0; i < 4; i++)
        {
            posts.Add(await CreateAsync(authorId));
        }

        var handler = new ListUserPostsHandler(_posts, _mediator, TestCursors.Create());
        var first = await handler.Handle(new ListUserPosts(authorId, PageRequest.Of(2)), Ct);
        var second = await handler.Handle(new ListUserPosts(authorId, PageRequest.Of(2, first.NextCursor)), Ct);

        Assert.Equal([posts[3], posts[2]], first.Items);
        Assert.NotNull(first.NextCursor);
        Assert.Equal([posts[1], posts[0]], second.Items);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task Listing_uses_the_default_page_size_without_a_limit()
    {
        var authorId = _mediator.AddUser();
        for (var i = 0; i < PageRequest.DefaultLimit + 1; i++)
        {
            await CreateAsync(authorId);
        }

        var page = await new ListUserPostsHandler(_posts, _mediator, TestCursors.Create()).Handle(new ListUserPosts(authorId, PageRequest.Of()), Ct);

        Assert.Equal(PageRequest.DefaultLimit, page.Items.Count);
        Assert.NotNull(page.NextCursor);
    }

    [Fact]
    public async Task Listing_the_posts_of_an_unknown_user_is_not_found()
    {
        await Assert.ThrowsAsync<NotFoundException>(async () =>
            await new ListUserPostsHandler(_posts, _mediator, TestCursors.Create()).Handle(new ListUserPosts(Guid.NewGuid(), PageRequest.Of()), Ct));
    }

    [Fact]
    public async Task Recent_posts_are_the_newest_first_up_to_the_limit()
    {
        var authorId = _mediator.AddUser();
        var posts = new List<PostResponse>();
        for (var i = 0; i < 5; i++)
        {
            posts.Add(await CreateAsync(authorId, PostTypes.Carousel));
        }

        var recent = await new GetRecentPostsHandler(_posts).Handle(new Contracts.GetRecentPosts(authorId, 3), Ct);

        Assert.Equal(
            posts.AsEnumerable().Reverse().Take(3).Select(post => new PostSummary(post.PostId, authorId, post.PostUrl, PostTypes.Carousel, post.CreatedOn)),
            recent);
    }
}
