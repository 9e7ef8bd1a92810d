using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.Testing;

namespace Feed.IntegrationTests.Timeline;

public sealed class TimelineTests(TimelineApiFixture api) : IClassFixture<TimelineApiFixture>
{
    private readonly FeedApiFactory _factory = api.Factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Posts in the order the timeline must show them: newest first, ties by descending id.</summary>
    private static List<Guid> NewestFirst(IEnumerable<JsonObject> posts) =>
        PageOrder.NewestFirst(posts, post => post.UtcTimestamp("created_on"), post => post.Id("post_id")).Select(post => post.Id("post_id")).ToList();

    [Fact]
    public async Task The_design_story_user_1_posts_and_followers_user_10_and_user_20_see_it()
    {
        var user1 = await _factory.RegisterAsync(FeedClient.UniqueName("user_1"));
        var user10 = await _factory.RegisterAsync(FeedClient.UniqueName("user_10"));
        var user20 = await _factory.RegisterAsync(FeedClient.UniqueName("user_20"));
        await user10.FollowAsync(user1);
        await user20.FollowAsync(user1);

        var post = await user1.CreatePostAsync("image");

        foreach (var follower in new[] { user10, user20 })
        {
            var (items, next) = await follower.ReadTimelinePageAsync();
            var item = Assert.Single(items);
            Assert.Null(next);
            Assert.Equal(post.Id("post_id"), item.Id("post_id"));
            Assert.Equal(user1.UserId, item.Id("user_id"));
            Assert.Equal(user1.Username, item["username"]!.GetValue<string>());
            Assert.Equal(post["post_url"]!.GetValue<string>(), item["post_url"]!.GetValue<string>());
            Assert.Equal("image", item["post_type"]!.GetValue<string>());
            Assert.Equal(post.UtcTimestamp("created_on"), item.UtcTimestamp("created_on"));
        }

        // The author does not follow themself; nobody else got the post.
        Assert.Empty((await user1.ReadTimelinePageAsync()).Items);
    }

    [Fact]
    public async Task A_deleted_post_leaves_the_followers_timelines()
    {
        var author = await _factory.RegisterAsync();
        var follower = await _factory.RegisterAsync();
        await follower.FollowAsync(author);
        var kept = await author.CreatePostAsync();
        var deleted = await author.CreatePostAsync();

        var response = await author.Http.DeleteAsync(new Uri($"/api/posts/{deleted.Id("post_id")}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var items = await follower.ReadWholeTimelineAsync(limit: 1);
        Assert.Equal([kept.Id("post_id")], items.Select(item => item.Id("post_id")));
    }

    [Fact]
    public async Task An_author_crossing_the_threshold_both_ways_loses_no_post_and_shows_none_twice()
    {
        var reader = await _factory.RegisterAsync();
        var ordinary = await _factory.RegisterAsync();
        var rising = await _factory.RegisterAsync();
        var fans = new[] { await _factory.RegisterAsync(), await _factory.RegisterAsync() };
        await reader.FollowAsync(ordinary);
        await reader.FollowAsync(rising);
        await fans[0].FollowAsync(rising);
        var posts = new List<JsonObject>();

        // Two followers: pushed as timeline rows.
        for (var i = 0; i < 3; i++)
        {
            posts.Add(await rising.CreatePostAsync());
            posts.Add(await ordinary.CreatePostAsync());
        }

        // The third follower crosses the threshold (3): pulled from influencer_posts from now on.
        await fans[1].FollowAsync(rising);
        Assert.True(await _factory.IsInfluencerAsync(rising));
        for (var i = 0; i < 4; i++)
        {
            posts.Add(await rising.CreatePostAsync("video"));
            if (i % 2 == 0)
            {
                posts.Add(await ordinary.CreatePostAsync());
            }
        }

        await AssertReaderSeesExactlyAsync(reader, posts, ordinary, rising);

        // Back below the demotion threshold: pushed again, and the pulled posts stay visible.
        await fans[0].UnfollowAsync(rising);
        await fans[1].UnfollowAsync(rising);
        Assert.False(await _factory.IsInfluencerAsync(rising));
        for (var i = 0; i < 2; i++)
        {
            posts.Add(await rising.CreatePostAsync());
            posts.Add(await ordinary.CreatePostAsync());
        }

        await AssertReaderSeesExactlyAsync(reader, posts, ordinary, rising);
    }

    private static async Task AssertReaderSeesExactlyAsync(FeedUser reader, List<JsonObject> posts, FeedUser ordinary, FeedUser rising)
    {
        var expected = NewestFirst(posts);
        var authors = posts.ToDictionary(post => post.Id("post_id"), post => post.Id("user_id"));
        var usernames = new Dictionary<Guid, string> { [ordinary.UserId] = ordinary.Username, [rising.UserId] = rising.Username };
        for (var limit = 1; limit <= 3; limit++)
        {
            var items = await reader.ReadWholeTimelineAsync(limit);

            Assert.Equal(expected, items.Select(item => item.Id("post_id")));
            Assert.All(items, item =>
            {
                Assert.Equal(authors[item.Id("post_id")], item.Id("user_id"));
                Assert.Equal(usernames[item.Id("user_id")], item["username"]!.GetValue<string>());
            });
        }
    }

    [Fact]
    public async Task Without_a_token_the_timeline_is_401()
    {
        var response = await _factory.CreateClient().GetTimelineAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("abc")]
    public async Task A_bad_limit_is_a_400_naming_limit(string limit)
    {
        var reader = await _factory.RegisterAsync();

        var response = await reader.Http.GetTimelineAsync($"?limit={limit}");

        await response.AssertBadFieldsAsync("limit");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("AAAAAAAA")]
    public async Task A_malformed_cursor_is_a_400_naming_cursor(string cursor)
    {
        var reader = await _factory.RegisterAsync();

        var response = await reader.Http.GetTimelineAsync($"?cursor={cursor}");

        await response.AssertBadFieldsAsync("cursor");
    }

    [Fact]
    public async Task Limit_defaults_to_20()
    {
        var author = await _factory.RegisterAsync();
        var reader = await _factory.RegisterAsync();
        await reader.FollowAsync(author);
        for (var i = 0; i < 21; i++)
        {
            await author.CreatePostAsync();
        }

        var (items, next) = await reader.ReadTimelinePageAsync();

        Assert.Equal(20, items.Count);
        Assert.NotNull(next);
        var (rest, end) = await reader.ReadTimelinePageAsync(cursor: next);
        Assert.Single(rest);
        Assert.Null(end);
    }
}
