using Feed.SharedKernel.Outbox;
using Feed.Social.Contracts;
using Feed.Users.Contracts;
using Feed.Users.Influence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.Users.Tests.Influence;

/// <summary>The handler on the in-memory store and outbox, registered as the host registers them; announcements are read back from the outbox.</summary>
public sealed class FollowerCountChangedHandlerTests : IDisposable
{
    private readonly ManualClock _time = new(DateTimeOffset.Parse("2025-06-01T12:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ServiceProvider _services;
    private readonly List<InfluencerStatusChanged> _announced = [];

    public FollowerCountChangedHandlerTests()
    {
        var configuration = new ConfigurationBuilder().Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddFeedOutbox(configuration)
            .AddUsers(configuration)
            .BuildServiceProvider();
    }

    private IUserStore Store => _services.GetRequiredService<IUserStore>();

    public void Dispose() => _services.Dispose();

    private FollowerCountChangedHandler Handler(long promotion = 3, long? demotion = null) => new(
        Store,
        _services.GetRequiredService<OutboxMessageTypes>(),
        Options.Create(new UsersOptions { InfluencerFollowerThreshold = promotion, InfluencerDemotionFollowerThreshold = demotion }),
        _time);

    /// <summary>Every switch announced so far, oldest first: what the outbox holds for delivery.</summary>
    private async Task<IReadOnlyList<InfluencerStatusChanged>> AnnouncedAsync()
    {
        var types = _services.GetRequiredService<OutboxMessageTypes>();
        var pending = await _services.GetRequiredService<IOutboxStore>().ClaimDueAsync(int.MaxValue, TimeSpan.FromHours(1), CancellationToken.None);
        _announced.AddRange(pending.Select(claimed => Assert.IsType<InfluencerStatusChanged>(types.Unwrap(claimed.Message))));
        return _announced;
    }

    private async Task<User> RegisteredAsync()
    {
        var user = UserFactory.NewUser();
        await Store.AddAsync(user, CancellationToken.None);
        return user;
    }

    private static UserFollowed Followed(Guid followee, long count) => new(Guid.CreateVersion7(), followee, DateTimeOffset.UnixEpoch, count);

    private static UserUnfollowed Unfollowed(Guid followee, long count) => new(Guid.CreateVersion7(), followee, count);

    [Fact]
    public async Task Reaching_the_threshold_promotes_and_publishes_once()
    {
        var user = await RegisteredAsync();
        var handler = Handler();

        await handler.Handle(Followed(user.UserId, 2), CancellationToken.None);
        Assert.Empty(await AnnouncedAsync());

        await handler.Handle(Followed(user.UserId, 3), CancellationToken.None);
        await handler.Handle(Followed(user.UserId, 4), CancellationToken.None);

        var changed = Assert.Single(await AnnouncedAsync());
        Assert.Equal(new InfluencerStatusChanged(user.UserId, true, _time.GetUtcNow()), changed);
        Assert.True((await Store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
    }

    [Fact]
    public async Task Falling_below_the_demotion_threshold_demotes_and_publishes()
    {
        var user = await RegisteredAsync();
        var handler = Handler(promotion: 10);
        await handler.Handle(Followed(user.UserId, 10), CancellationToken.None);

        // 90% of 10 is 9: 9 keeps the status, 8 drops it.
        await handler.Handle(Unfollowed(user.UserId, 9), CancellationToken.None);
        Assert.True((await Store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);

        _time.Advance(TimeSpan.FromMinutes(1));
        await handler.Handle(Unfollowed(user.UserId, 8), CancellationToken.None);

        Assert.Equal(
            [new InfluencerStatusChanged(user.UserId, true, _time.GetUtcNow().AddMinutes(-1)), new InfluencerStatusChanged(user.UserId, false, _time.GetUtcNow())],
            await AnnouncedAsync());
        Assert.False((await Store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
    }

    [Fact]
    public async Task A_count_hovering_around_the_threshold_does_not_flap()
    {
        var user = await RegisteredAsync();
        var handler = Handler(promotion: 10, demotion: 8);

        var previous = 8L;
        foreach (var count in new long[] { 9, 10, 9, 10, 9, 8, 9, 10, 8 })
        {
            if (count > previous)
            {
                await handler.Handle(Followed(user.UserId, count), CancellationToken.None);
            }
            else
            {
                await handler.Handle(Unfollowed(user.UserId, count), CancellationToken.None);
            }

            previous = count;
        }

        Assert.Equal([true], (await AnnouncedAsync()).Select(changed => changed.IsInfluencer));
    }

    [Fact]
    public async Task Concurrent_notifications_publish_a_promotion_once()
    {
        var user = await RegisteredAsync();
        var handler = Handler();

        await Task.WhenAll(Enumerable.Range(3, 32).Select(count => Task.Run(async () =>
            await handler.Handle(Followed(user.UserId, count), CancellationToken.None))));

        Assert.Equal([new InfluencerStatusChanged(user.UserId, true, _time.GetUtcNow())], await AnnouncedAsync());
        Assert.True((await Store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
    }

    /// <summary>Messages stored by one version are delivered by the next, so the name may never change.</summary>
    [Fact]
    public async Task The_switch_is_stored_under_its_stable_name_and_reads_back_equal()
    {
        var user = await RegisteredAsync();
        await Handler().Handle(Followed(user.UserId, 3), CancellationToken.None);

        var stored = Assert.Single(await _services.GetRequiredService<IOutboxStore>().ClaimDueAsync(10, TimeSpan.FromHours(1), CancellationToken.None)).Message;

        Assert.Equal("users.influencer_status_changed", stored.Type);
        Assert.Equal(new InfluencerStatusChanged(user.UserId, true, _time.GetUtcNow()), _services.GetRequiredService<OutboxMessageTypes>().Unwrap(stored));
    }

    [Fact]
    public async Task Unknown_followee_is_ignored()
    {
        await Handler().Handle(Followed(Guid.CreateVersion7(), 1_000), CancellationToken.None);

        Assert.Empty(await AnnouncedAsync());
    }
}
