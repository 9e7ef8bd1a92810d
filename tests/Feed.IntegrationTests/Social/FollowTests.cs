using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.Testing;

namespace Feed.IntegrationTests.Social;

public sealed class FollowTests(FeedApiFactory factory) : IClassFixture<FeedApiFactory>
{
    private readonly FeedApiFactory _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> FollowRequest(HttpClient client, Guid userId) =>
        client.PostAsync(new Uri($"/api/users/{userId}/follow", UriKind.Relative), null, Ct);

    private static Task<HttpResponseMessage> UnfollowRequest(HttpClient client, Guid userId) =>
        client.DeleteAsync(new Uri($"/api/users/{userId}/follow", UriKind.Relative), Ct);

    private async Task<List<JsonObject>> FollowersAsync(Guid userId, int limit = 100) =>
        await _factory.CreateClient().ReadAllPagesAsync($"/api/users/{userId}/followers", limit);

    private async Task<List<JsonObject>> FollowingAsync(Guid userId, int limit = 100) =>
        await _factory.CreateClient().ReadAllPagesAsync($"/api/users/{userId}/following", limit);

    [Fact]
    public async Task Following_is_204_and_following_again_changes_nothing()
    {
        var alice = await _factory.RegisterAsync();
        var bob = await _factory.RegisterAsync();

        var first = await FollowRequest(alice.Http, bob.UserId);
        var followers = await FollowersAsync(bob.UserId);
        var second = await FollowRequest(alice.Http, bob.UserId);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        var follower = Assert.Single(followers);
        Assert.Equal(SocialApi.FollowListItemFields, follower.FieldNames());
        Assert.Equal(alice.UserId, follower.Id("user_id"));
        Assert.Equal(alice.Username, follower["username"]!.GetValue<string>());
        var followedOn = follower.UtcTimestamp("followed_on");
        Assert.InRange(followedOn, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        // The second follow neither added a row nor moved the first one's date.
        var after = Assert.Single(await FollowersAsync(bob.UserId));
        Assert.Equal(followedOn, after.UtcTimestamp("followed_on"));
    }

    [Fact]
    public async Task Following_yourself_is_a_400_naming_user_id()
    {
        var alice = await _factory.RegisterAsync();

        var response = await FollowRequest(alice.Http, alice.UserId);

        await response.AssertBadFieldsAsync("user_id");
        Assert.Empty(await FollowersAsync(alice.UserId));
    }

    [Fact]
    public async Task Unfollowing_yourself_is_a_204_that_changes_nothing()
    {
        // Nobody follows themselves (a follow of yourself is a 400), so there is nothing to undo.
        var alice = await _factory.RegisterAsync();
        var bob = await _factory.RegisterAsync();
        var carol = await _factory.RegisterAsync();
        await alice.FollowAsync(bob);
        await carol.FollowAsync(alice);

        var response = await UnfollowRequest(alice.Http, alice.UserId);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal([bob.UserId], (await FollowingAsync(alice.UserId)).Select(item => item.Id("user_id")));
        Assert.Equal([carol.UserId], (await FollowersAsync(alice.UserId)).Select(item => item.Id("user_id")));
    }

    [Fact]
    public async Task Following_or_unfollowing_an_unknown_user_is_404()
    {
        var alice = await _factory.RegisterAsync();

        await (await FollowRequest(alice.Http, Guid.NewGuid())).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await UnfollowRequest(alice.Http, Guid.NewGuid())).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.PostAsync(new Uri("/api/users/nobody/follow", UriKind.Relative), null, Ct)).StatusCode);
        Assert.Empty(await FollowingAsync(alice.UserId));
    }

    [Fact]
    public async Task Following_and_unfollowing_without_a_token_is_401()
    {
        var bob = await _factory.RegisterAsync();
        var anonymous = _factory.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await FollowRequest(anonymous, bob.UserId)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await UnfollowRequest(anonymous, bob.UserId)).StatusCode);
    }

    [Fact]
    public async Task Unfollowing_is_204_and_idempotent()
    {
        var alice = await _factory.RegisterAsync();
        var bob = await _factory.RegisterAsync();
        await alice.FollowAsync(bob);

        var first = await UnfollowRequest(alice.Http, bob.UserId);
        var second = await UnfollowRequest(alice.Http, bob.UserId);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Empty(await FollowersAsync(bob.UserId));
        Assert.Empty(await FollowingAsync(alice.UserId));
    }

    [Fact]
    public async Task Unfollowing_someone_never_followed_is_204()
    {
        var alice = await _factory.RegisterAsync();
        var bob = await _factory.RegisterAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await UnfollowRequest(alice.Http, bob.UserId)).StatusCode);
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(4, 2)]
    [InlineData(3, 20)]
    public async Task Followers_page_newest_first_with_usernames(int count, int limit)
    {
        var star = await _factory.RegisterAsync();
        var fans = new List<FeedUser>();
        for (var i = 0; i < count; i++)
        {
            var fan = await _factory.RegisterAsync();
            await fan.FollowAsync(star);
            fans.Add(fan);
        }

        var items = await FollowersAsync(star.UserId, limit);

        Assert.All(items, item => Assert.Equal(SocialApi.FollowListItemFields, item.FieldNames()));
        Assert.Equal(
            PageOrder.NewestFirst(items, item => item.UtcTimestamp("followed_on"), item => item.Id("user_id")).Select(item => item.Id("user_id")),
            items.Select(item => item.Id("user_id")));
        Assert.Equal(fans.Select(fan => (fan.UserId, fan.Username)).Order(), items.Select(item => (item.Id("user_id"), item["username"]!.GetValue<string>())).Order());
    }

    [Fact]
    public async Task Following_lists_whom_a_user_follows_newest_first_with_usernames()
    {
        var alice = await _factory.RegisterAsync();
        var followees = new List<FeedUser>();
        for (var i = 0; i < 3; i++)
        {
            var followee = await _factory.RegisterAsync();
            await alice.FollowAsync(followee);
            followees.Add(followee);
        }

        var items = await FollowingAsync(alice.UserId, limit: 2);

        Assert.All(items, item => Assert.Equal(SocialApi.FollowListItemFields, item.FieldNames()));
        Assert.Equal(
            PageOrder.NewestFirst(items, item => item.UtcTimestamp("followed_on"), item => item.Id("user_id")).Select(item => item.Id("user_id")),
            items.Select(item => item.Id("user_id")));
        Assert.Equal(followees.Select(user => (user.UserId, user.Username)).Order(), items.Select(item => (item.Id("user_id"), item["username"]!.GetValue<string>())).Order());
        Assert.Empty(await FollowersAsync(alice.UserId));
    }

    [Fact]
    public async Task Lists_of_an_unknown_user_are_404()
    {
        var client = _factory.CreateClient();

        await (await client.GetAsync($"/api/users/{Guid.NewGuid()}/followers", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/users/{Guid.NewGuid()}/following", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("followers", "limit=0", "limit")]
    [InlineData("followers", "limit=abc", "limit")]
    [InlineData("following", "limit=101", "limit")]
    [InlineData("followers", "cursor=not-a-cursor", "cursor")]
    [InlineData("following", "cursor=AAAA", "cursor")]
    [InlineData("followers", "cursor=garbage", "cursor")]
    public async Task Bad_paging_input_is_a_400_naming_the_field(string list, string query, string field)
    {
        var alice = await _factory.RegisterAsync();

        var response = await _factory.CreateClient().GetAsync($"/api/users/{alice.UserId}/{list}?{query}", Ct);

        await response.AssertBadFieldsAsync(field);
    }

    [Fact]
    public async Task Concurrent_follows_of_one_pair_leave_one_follow()
    {
        var alice = await _factory.RegisterAsync();
        var bob = await _factory.RegisterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => FollowRequest(alice.Http, bob.UserId)));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.NoContent, response.StatusCode));
        Assert.Equal(alice.UserId, Assert.Single(await FollowersAsync(bob.UserId)).Id("user_id"));
    }

    [Fact]
    public async Task The_follower_count_announced_makes_the_followee_an_influencer_at_the_threshold()
    {
        // The factory sets the influencer threshold to 3; Users reviews the status on each UserFollowed, from Social's count then.
        var star = await _factory.RegisterAsync();
        var fans = new List<FeedUser>();
        for (var i = 0; i < 3; i++)
        {
            fans.Add(await _factory.RegisterAsync());
        }

        await fans[0].FollowAsync(star);
        await fans[1].FollowAsync(star);
        await fans[1].FollowAsync(star);
        Assert.False(await IsInfluencerAsync(star.UserId));

        await fans[2].FollowAsync(star);
        Assert.True(await IsInfluencerAsync(star.UserId));
    }

    private async Task<bool> IsInfluencerAsync(Guid userId)
    {
        await _factory.WhenOutboxIdleAsync(); // Users hears of the follow through the outbox, in the background
        var profile = await (await _factory.CreateClient().GetAsync($"/api/users/{userId}", Ct)).ReadJsonAsync();
        return profile["is_influencer"]!.GetValue<bool>();
    }
}
