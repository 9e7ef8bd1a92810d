using System.Net;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.Social.Contracts;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.IntegrationTests.Users;

/// <summary>The Users module as other modules reach it: through the mediator and the outbox, with the factory's threshold of 3.</summary>
public sealed class InfluencerStatusTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private readonly FeedApiFactory _factory = api;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task PublishAsync(INotification notification)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(notification, Ct);
    }

    private async Task<UserSummary> SummaryAsync(Guid userId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var summaries = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new GetUserSummaries([userId]), Ct);
        return summaries[userId];
    }

    private async Task<bool> IsInfluencerOverHttpAsync(Guid userId) =>
        (await (await _factory.CreateClient().GetAsync($"/api/users/{userId}", Ct)).ReadJsonAsync())["is_influencer"]!.GetValue<bool>();

    private async Task<bool> IsInfluencerOnceDeliveredAsync(Guid userId)
    {
        await _factory.WhenOutboxIdleAsync(); // Users hears of follows through the outbox, in the background
        return await IsInfluencerOverHttpAsync(userId);
    }

    private static async Task UnfollowAsync(FeedUser follower, FeedUser followee) =>
        Assert.Equal(HttpStatusCode.NoContent, (await follower.Http.DeleteAsync(new Uri($"/api/users/{followee.UserId}/follow", UriKind.Relative), Ct)).StatusCode);

    private async Task<FeedUser[]> RegisterManyAsync(int count)
    {
        var users = new FeedUser[count];
        for (var i = 0; i < count; i++)
        {
            users[i] = await _factory.RegisterAsync();
        }

        return users;
    }

    [Fact]
    public async Task Follower_count_promotes_at_the_threshold_and_demotes_below_the_gap()
    {
        var user = await _factory.RegisterAsync();
        var fans = await RegisterManyAsync(3);

        await fans[0].FollowAsync(user);
        await fans[1].FollowAsync(user);
        Assert.False(await IsInfluencerOnceDeliveredAsync(user.UserId));

        await fans[2].FollowAsync(user);
        Assert.True(await IsInfluencerOnceDeliveredAsync(user.UserId));
        Assert.True((await SummaryAsync(user.UserId)).IsInfluencer);

        // Threshold 3 → demotion below 2 (90% rounded down): 2 keeps the status, 1 ends it.
        await UnfollowAsync(fans[2], user);
        Assert.True(await IsInfluencerOnceDeliveredAsync(user.UserId));

        await UnfollowAsync(fans[1], user);
        Assert.False(await IsInfluencerOnceDeliveredAsync(user.UserId));
    }

    /// <summary>
    /// The outbox delivers at least once, in any order: the follow that promoted the user, delivered again
    /// (a retry, a lease taken over) after the unfollows that demoted them, carries a stale count of 3. The
    /// status follows the follows there are; before, that delivery made a user with one follower an influencer.
    /// </summary>
    [Fact]
    public async Task A_promoting_follow_delivered_again_after_the_demotion_leaves_the_user_demoted()
    {
        var user = await _factory.RegisterAsync();
        var fans = await RegisterManyAsync(3);
        foreach (var fan in fans)
        {
            await fan.FollowAsync(user);
        }

        Assert.True(await IsInfluencerOnceDeliveredAsync(user.UserId));
        await UnfollowAsync(fans[2], user);
        await UnfollowAsync(fans[1], user);
        Assert.False(await IsInfluencerOnceDeliveredAsync(user.UserId));

        await PublishAsync(new UserFollowed(fans[2].UserId, user.UserId, DateTimeOffset.UtcNow, 3));

        Assert.False(await IsInfluencerOverHttpAsync(user.UserId));
        Assert.False((await SummaryAsync(user.UserId)).IsInfluencer);
    }

    [Fact]
    public async Task Summaries_carry_username_and_status_and_omit_unknown_ids()
    {
        var first = await _factory.RegisterAsync();
        var second = await _factory.RegisterAsync();
        var unknown = Guid.CreateVersion7();

        await using var scope = _factory.Services.CreateAsyncScope();
        var summaries = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new GetUserSummaries([first.UserId, second.UserId, unknown]), Ct);

        Assert.Equal(2, summaries.Count);
        Assert.Equal(new UserSummary(first.UserId, first.Username, false), summaries[first.UserId]);
        Assert.Equal(new UserSummary(second.UserId, second.Username, false), summaries[second.UserId]);
        Assert.False(summaries.ContainsKey(unknown));
    }
}
