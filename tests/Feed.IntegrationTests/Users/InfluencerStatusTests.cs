using Feed.IntegrationTests.Infrastructure;
using Feed.Social.Contracts;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.IntegrationTests.Users;

/// <summary>The Users module as other modules reach it: through the mediator, with the factory's threshold of 3.</summary>
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

    [Fact]
    public async Task Follower_count_promotes_at_the_threshold_and_demotes_below_the_gap()
    {
        var user = await _factory.RegisterAsync();
        var follower = Guid.CreateVersion7();

        await PublishAsync(new UserFollowed(follower, user.UserId, DateTimeOffset.UtcNow, 2));
        Assert.False(await IsInfluencerOverHttpAsync(user.UserId));

        await PublishAsync(new UserFollowed(follower, user.UserId, DateTimeOffset.UtcNow, 3));
        Assert.True(await IsInfluencerOverHttpAsync(user.UserId));
        Assert.True((await SummaryAsync(user.UserId)).IsInfluencer);

        // Threshold 3 → demotion below 2 (90% rounded down): 2 keeps the status, 1 ends it.
        await PublishAsync(new UserUnfollowed(follower, user.UserId, 2));
        Assert.True(await IsInfluencerOverHttpAsync(user.UserId));

        await PublishAsync(new UserUnfollowed(follower, user.UserId, 1));
        Assert.False(await IsInfluencerOverHttpAsync(user.UserId));
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
