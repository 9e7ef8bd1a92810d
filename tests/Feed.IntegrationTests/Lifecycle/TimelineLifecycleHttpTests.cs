using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Timeline;
using Feed.Testing;

namespace Feed.IntegrationTests.Lifecycle;

/// <summary>
/// Timelines following the graph over HTTP: a follow brings the followee's recent posts, an unfollow
/// takes them out, a deleted post leaves every timeline, and refused requests change nothing.
/// Readers read their timeline once first, so that they count as active (inactive readers are
/// rebuilt on read instead, see <see cref="InactiveReaderTests"/>).
/// </summary>
public sealed class TimelineLifecycleHttpTests(LifecycleApiFixture api) : IClassFixture<LifecycleApiFixture>
{
    private readonly FeedApiFactory _factory = api.Factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<Guid> NewestFirst(IEnumerable<JsonObject> posts) =>
        PageOrder.NewestFirst(posts, post => post.UtcTimestamp("created_on"), post => post.Id("post_id")).Select(post => post.Id("post_id")).ToList();

    private async Task<FeedUser> ActiveReaderAsync()
    {
        var reader = await _factory.RegisterAsync();
        _ = await reader.TimelinePageNowAsync(1);
        return reader;
    }

    /// <summary>Three extra followers: the threshold (3) makes <paramref name="author"/> an influencer.</summary>
    private async Task PromoteAsync(FeedUser author)
    {
        for (var i = 0; i < 3; i++)
        {
            await (await _factory.RegisterAsync()).FollowAsync(author);
        }

        Assert.True(await _factory.IsInfluencerAsync(author));
    }

    [Fact]
    public async Task Following_brings_the_followee_s_recent_posts_into_the_timeline()
    {
        var author = await _factory.RegisterAsync();
        var posts = new List<JsonObject>();
        for (var i = 0; i < 3; i++)
        {
            posts.Add(await author.CreatePostAsync());
        }

        var reader = await ActiveReaderAsync();
        await reader.FollowAsync(author);

        Assert.Equal(NewestFirst(posts), await reader.WholeTimelineAsync(limit: 2));
    }

    [Fact]
    public async Task Following_an_influencer_shows_their_posts_from_before_and_after_the_promotion_once_each()
    {
        var author = await _factory.RegisterAsync();
        var posts = new List<JsonObject> { await author.CreatePostAsync(), await author.CreatePostAsync() };
        await PromoteAsync(author);
        posts.Add(await author.CreatePostAsync("video"));
        posts.Add(await author.CreatePostAsync("video"));

        var reader = await ActiveReaderAsync();
        await reader.FollowAsync(author);

        for (var limit = 1; limit <= 3; limit++)
        {
            Assert.Equal(NewestFirst(posts), await reader.WholeTimelineAsync(limit));
        }
    }

    [Fact]
    public async Task Unfollowing_hides_the_author_at_once_and_for_good_pushed_and_pulled_posts_alike()
    {
        var ordinary = await _factory.RegisterAsync();
        var influencer = await _factory.RegisterAsync();
        var kept = await _factory.RegisterAsync();
        await PromoteAsync(influencer);
        var reader = await ActiveReaderAsync();
        foreach (var followee in new[] { ordinary, influencer, kept })
        {
            await reader.FollowAsync(followee);
        }

        var keptPosts = new List<JsonObject>();
        for (var i = 0; i < 2; i++)
        {
            await ordinary.CreatePostAsync();
            await influencer.CreatePostAsync();
            keptPosts.Add(await kept.CreatePostAsync());
        }

        Assert.Equal(6, (await reader.WholeTimelineAsync(limit: 4)).Count);

        Assert.Equal(HttpStatusCode.NoContent, (await reader.UnfollowResponseAsync(ordinary.UserId)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await reader.UnfollowResponseAsync(influencer.UserId)).StatusCode);

        // Before the unfollows' background cleanup: the read shows followed authors only.
        var (now, _) = await reader.TimelinePageNowAsync(limit: 10);
        Assert.Equal(NewestFirst(keptPosts), now.Select(item => item.Id("post_id")));
        // After it, and after new posts by the unfollowed authors.
        await ordinary.CreatePostAsync();
        await influencer.CreatePostAsync();
        Assert.Equal(NewestFirst(keptPosts), await reader.WholeTimelineAsync(limit: 1));
    }

    [Fact]
    public async Task Following_again_after_an_unfollow_brings_the_posts_back()
    {
        var author = await _factory.RegisterAsync();
        var reader = await ActiveReaderAsync();
        await reader.FollowAsync(author);
        var posts = new List<JsonObject> { await author.CreatePostAsync(), await author.CreatePostAsync() };

        await reader.UnfollowAsync(author);
        Assert.Empty(await reader.WholeTimelineAsync(limit: 5));
        await reader.FollowAsync(author);

        Assert.Equal(NewestFirst(posts), await reader.WholeTimelineAsync(limit: 5));
    }

    [Fact]
    public async Task Unfollowing_without_a_token_is_401_and_an_unknown_user_404_and_the_timeline_keeps_its_posts()
    {
        var author = await _factory.RegisterAsync();
        var reader = await ActiveReaderAsync();
        await reader.FollowAsync(author);
        var post = await author.CreatePostAsync();

        var anonymous = await _factory.CreateClient().DeleteAsync(new Uri($"/api/users/{author.UserId}/follow", UriKind.Relative), Ct);
        var unknown = await reader.UnfollowResponseAsync(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([post.Id("post_id")], await reader.WholeTimelineAsync(limit: 5));
    }

    [Fact]
    public async Task A_deleted_post_leaves_every_follower_timeline_and_the_author_s_posts()
    {
        var author = await _factory.RegisterAsync();
        var readers = new[] { await ActiveReaderAsync(), await ActiveReaderAsync() };
        foreach (var reader in readers)
        {
            await reader.FollowAsync(author);
        }

        var kept = await author.CreatePostAsync();
        var deleted = await author.CreatePostAsync();
        foreach (var reader in readers)
        {
            Assert.Equal(2, (await reader.WholeTimelineAsync(limit: 5)).Count);
        }

        var response = await author.DeletePostAsync(deleted.Id("post_id"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        foreach (var reader in readers)
        {
            Assert.Equal([kept.Id("post_id")], await reader.WholeTimelineAsync(limit: 1));
        }

        var own = await author.Http.ReadAllPagesAsync($"/api/users/{author.UserId}/posts", limit: 5);
        Assert.Equal([kept.Id("post_id")], own.Select(post => post.Id("post_id")));
        await (await author.Http.GetAsync(new Uri($"/api/posts/{deleted.Id("post_id")}", UriKind.Relative), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        // A reader following the author afterwards does not get it back through the backfill.
        var late = await ActiveReaderAsync();
        await late.FollowAsync(author);
        Assert.Equal([kept.Id("post_id")], await late.WholeTimelineAsync(limit: 5));
    }

    [Fact]
    public async Task A_deleted_influencer_post_leaves_every_pulled_timeline()
    {
        var influencer = await _factory.RegisterAsync();
        await PromoteAsync(influencer);
        var reader = await ActiveReaderAsync();
        await reader.FollowAsync(influencer);
        var kept = await influencer.CreatePostAsync();
        var deleted = await influencer.CreatePostAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await influencer.DeletePostAsync(deleted.Id("post_id"))).StatusCode);

        Assert.Equal([kept.Id("post_id")], await reader.WholeTimelineAsync(limit: 1));
    }

    [Fact]
    public async Task Another_user_s_post_cannot_be_deleted_and_stays_in_every_timeline()
    {
        var author = await _factory.RegisterAsync();
        var other = await _factory.RegisterAsync();
        var reader = await ActiveReaderAsync();
        await reader.FollowAsync(author);
        var post = await author.CreatePostAsync();

        var response = await other.DeletePostAsync(post.Id("post_id"));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal([post.Id("post_id")], await reader.WholeTimelineAsync(limit: 5));
    }

    [Fact]
    public async Task Deleting_an_unknown_or_already_deleted_post_is_404_and_without_a_token_401()
    {
        var author = await _factory.RegisterAsync();
        var reader = await ActiveReaderAsync();
        await reader.FollowAsync(author);
        var post = await author.CreatePostAsync();
        var deleted = await author.CreatePostAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await author.DeletePostAsync(deleted.Id("post_id"))).StatusCode);

        var unknown = await author.DeletePostAsync(Guid.NewGuid());
        var again = await author.DeletePostAsync(deleted.Id("post_id"));
        var anonymous = await _factory.CreateClient().DeleteAsync(new Uri($"/api/posts/{post.Id("post_id")}", UriKind.Relative), Ct);

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal([post.Id("post_id")], await reader.WholeTimelineAsync(limit: 5));
    }
}
