using Feed.SharedKernel.Paging;
using Feed.Social.Contracts;
using Feed.Social.Follows.FollowUser;
using Feed.Social.Follows.GetFollowerBatch;
using Feed.Social.Follows.ListFollows;
using Feed.Social.Posts.CreatePost;
using Feed.Social.Posts.GetRecentPosts;
using Feed.Social.Posts.ListUserPosts;
using Feed.Testing;
using FluentValidation;

namespace Feed.Social.Tests.Validation;

public sealed class ValidatorTests
{
    private static readonly PageCursors Cursors = TestCursors.Create();

    private static string[] FailingProperties<T>(IValidator<T> validator, T message) =>
        validator.Validate(message).Errors.Select(error => error.PropertyName).Distinct().Order().ToArray();

    [Theory]
    [InlineData("https://cdn.example.com/a.jpg", "image")]
    [InlineData("http://cdn.example.com/v?id=1", "video")]
    [InlineData("HTTPS://CDN.EXAMPLE.COM/c", "carousel")]
    public void A_valid_post_passes(string url, string type)
    {
        Assert.Empty(FailingProperties(new CreatePostValidator(), new CreatePost(Guid.NewGuid(), url, type)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("cdn.example.com/a.jpg")]
    [InlineData("/images/a.jpg")]
    [InlineData("ftp://cdn.example.com/a.jpg")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData(" https://cdn.example.com/a.jpg")]
    [InlineData("https://")]
    public void An_invalid_post_url_names_post_url(string? url)
    {
        Assert.Equal(["PostUrl"], FailingProperties(new CreatePostValidator(), new CreatePost(Guid.NewGuid(), url, "image")));
    }

    [Fact]
    public void A_post_url_longer_than_2048_characters_names_post_url()
    {
        var prefix = "https://cdn.example.com/";
        var atLimit = prefix + new string('a', CreatePostValidator.MaxPostUrlLength - prefix.Length);

        Assert.Empty(FailingProperties(new CreatePostValidator(), new CreatePost(Guid.NewGuid(), atLimit, "image")));
        Assert.Equal(["PostUrl"], FailingProperties(new CreatePostValidator(), new CreatePost(Guid.NewGuid(), atLimit + "a", "image")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Image")]
    [InlineData("gif")]
    [InlineData("image ")]
    public void An_invalid_post_type_names_post_type(string? type)
    {
        Assert.Equal(["PostType"], FailingProperties(new CreatePostValidator(), new CreatePost(Guid.NewGuid(), "https://x.example/a", type)));
    }

    [Fact]
    public void Following_yourself_names_user_id()
    {
        var me = Guid.NewGuid();

        Assert.Equal(["UserId"], FailingProperties(new FollowUserValidator(), new FollowUser(me, me)));
        Assert.Empty(FailingProperties(new FollowUserValidator(), new FollowUser(me, Guid.NewGuid())));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-1)]
    public void A_limit_outside_1_to_100_names_limit(int limit)
    {
        var user = Guid.NewGuid();
        Assert.Equal(["limit"], FailingProperties(new ListUserPostsValidator(Cursors), new ListUserPosts(user, PageRequest.Of(limit))));
        Assert.Equal(["limit"], FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(user, FollowDirection.Followers, PageRequest.Of(limit))));
        Assert.Equal(["limit"], FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(user, FollowDirection.Following, PageRequest.Of(limit))));
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("AAAA")]
    [InlineData("")]
    [InlineData("garbage")]
    public void A_malformed_cursor_names_cursor(string cursor)
    {
        var user = Guid.NewGuid();
        Assert.Equal(["cursor"], FailingProperties(new ListUserPostsValidator(Cursors), new ListUserPosts(user, PageRequest.Of(cursor: cursor))));
        Assert.Equal(["cursor"], FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(user, FollowDirection.Followers, PageRequest.Of(cursor: cursor))));
        Assert.Equal(["cursor"], FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(user, FollowDirection.Following, PageRequest.Of(cursor: cursor))));
        Assert.Equal(["Cursor"], FailingProperties(new GetFollowerBatchValidator(), new GetFollowerBatch(user, cursor, 10)));
    }

    [Fact]
    public void Page_bounds_and_real_cursors_pass()
    {
        var user = Guid.NewGuid();
        var position = new Cursor(DateTimeOffset.UnixEpoch.AddDays(1), Guid.NewGuid());
        Assert.Empty(FailingProperties(new ListUserPostsValidator(Cursors), new ListUserPosts(user, PageRequest.Of(1, Cursors.Encode(CursorList.UserPosts, user, position)))));
        Assert.Empty(FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(user, FollowDirection.Followers, PageRequest.Of(100, Cursors.Encode(CursorList.Followers, user, position)))));
        Assert.Empty(FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(user, FollowDirection.Following, PageRequest.Of(cursor: Cursors.Encode(CursorList.Following, user, position)))));
        Assert.Empty(FailingProperties(new GetFollowerBatchValidator(), new GetFollowerBatch(user, position.Encode(), 10)));
    }

    [Fact]
    public void A_cursor_of_another_list_or_owner_names_cursor()
    {
        var user = Guid.NewGuid();
        var position = new Cursor(DateTimeOffset.UnixEpoch.AddDays(1), Guid.NewGuid());
        var followers = Cursors.Encode(CursorList.Followers, user, position);
        Assert.Equal(["cursor"], FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(user, FollowDirection.Following, PageRequest.Of(cursor: followers))));
        Assert.Equal(["cursor"], FailingProperties(new ListUserPostsValidator(Cursors), new ListUserPosts(user, PageRequest.Of(cursor: followers))));
        Assert.Equal(["cursor"], FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(Guid.NewGuid(), FollowDirection.Followers, PageRequest.Of(cursor: followers))));
        Assert.Equal(["cursor"], FailingProperties(new ListFollowsValidator(Cursors), new ListFollows(user, FollowDirection.Followers, PageRequest.Of(cursor: position.Encode()))));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    public void Follower_batch_size_is_1_to_10000(int batchSize, bool valid)
    {
        var failing = FailingProperties(new GetFollowerBatchValidator(), new GetFollowerBatch(Guid.NewGuid(), null, batchSize));
        Assert.Equal(valid ? [] : ["BatchSize"], failing);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(10_000, true)]
    [InlineData(10_001, false)]
    public void Recent_posts_limit_is_1_to_10000(int limit, bool valid)
    {
        var failing = FailingProperties(new GetRecentPostsValidator(), new GetRecentPosts(Guid.NewGuid(), limit));
        Assert.Equal(valid ? [] : ["Limit"], failing);
    }
}
