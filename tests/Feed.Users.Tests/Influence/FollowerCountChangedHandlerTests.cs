using System.Collections.Concurrent;
using Feed.SharedKernel.Outbox;
using Feed.Social.Contracts;
using Feed.Testing;
using Feed.Users.Contracts;
using Feed.Users.Influence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.Users.Tests.Influence;

/// <summary>
/// The handler on the in-memory store and outbox, registered as the host registers them; announcements are read
/// back from the outbox. Social's follower count is <see cref="_counts"/>: each message sets it as the change it
/// announces left it, unless a test delivers a message late, after the count moved on.
/// </summary>
public sealed class FollowerCountChangedHandlerTests : IDisposable
{
    private readonly ManualClock _time = new(DateTimeOffset.Parse("2025-06-01T12:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ServiceProvider _services;
    private readonly List<InfluencerStatusChanged> _announced = [];
    private readonly ConcurrentDictionary<Guid, long> _counts = new();
    private readonly FakeMediator _social = new();

    public FollowerCountChangedHandlerTests()
    {
        var configuration = new ConfigurationBuilder().Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddFeedOutbox(configuration)
            .AddUsers(configuration)
            .BuildServiceProvider();
        _social.Answer<GetFollowerCount, long>(query => _counts.GetValueOrDefault(query.UserId));
    }

    private IUserStore Store => _services.GetRequiredService<IUserStore>();

    public void Dispose() => _services.Dispose();

    private FollowerCountChangedHandler Handler(long promotion = 3, long? demotion = null) => new(
        Store,
        _social,
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

    /// <summary>A follow that left <paramref name="followee"/> with <paramref name="count"/> followers, committed now.</summary>
    private UserFollowed Followed(Guid followee, long count)
    {
        _counts[followee] = count;
        return new(Guid.CreateVersion7(), followee, DateTimeOffset.UnixEpoch, count);
    }

    private UserUnfollowed Unfollowed(Guid followee, long count)
    {
        _counts[followee] = count;
        return new(Guid.CreateVersion7(), followee, count);
    }

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

        var follows = Enumerable.Range(3, 32).Select(count => Followed(user.UserId, count)).ToArray();
        await Task.WhenAll(follows.Select(followed => Task.Run(async () =>
            await handler.Handle(followed, CancellationToken.None))));

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

    /// <summary>
    /// The outbox delivers at least once and in any order: a follow whose delivery failed (its Timeline
    /// handler, say) is delivered again after the unfollows that demoted the user. Its count is stale; the
    /// status follows the count now. Before, the stale 3 promoted a user with one follower again.
    /// </summary>
    [Fact]
    public async Task A_follow_delivered_again_after_the_unfollows_that_demoted_does_not_promote_again()
    {
        var user = await RegisteredAsync();
        var handler = Handler(promotion: 3);
        var promoting = Followed(user.UserId, 3);
        await handler.Handle(promoting, CancellationToken.None);
        await handler.Handle(Unfollowed(user.UserId, 2), CancellationToken.None);
        await handler.Handle(Unfollowed(user.UserId, 1), CancellationToken.None);

        await handler.Handle(promoting, CancellationToken.None);

        Assert.False((await Store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
        Assert.Equal([true, false], (await AnnouncedAsync()).Select(changed => changed.IsInfluencer));
    }

    /// <summary>Likewise an unfollow delivered late must not demote a user whose followers came back.</summary>
    [Fact]
    public async Task An_unfollow_delivered_late_does_not_demote_a_user_whose_followers_came_back()
    {
        var user = await RegisteredAsync();
        var handler = Handler(promotion: 3);
        await handler.Handle(Followed(user.UserId, 3), CancellationToken.None);
        var late = Unfollowed(user.UserId, 1);
        _counts[user.UserId] = 3;

        await handler.Handle(late, CancellationToken.None);

        Assert.True((await Store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
        Assert.Equal([true], (await AnnouncedAsync()).Select(changed => changed.IsInfluencer));
    }

    /// <summary>
    /// Two instances deliver side by side: an unfollow commits while a promotion is being made, and its own review
    /// read the status before the promotion (nothing to do then). The promotion reads the count again after its
    /// switch and undoes it, so the user does not stay an influencer with one follower.
    /// </summary>
    [Fact]
    public async Task A_count_that_falls_while_a_promotion_is_made_is_read_again_after_it()
    {
        var user = await RegisteredAsync();
        var handler = Handler(promotion: 3);
        var reads = new Queue<long>([3, 1]);
        _social.Answer<GetFollowerCount, long>(_ => reads.Count > 0 ? reads.Dequeue() : 1);

        await handler.Handle(new UserFollowed(Guid.CreateVersion7(), user.UserId, DateTimeOffset.UnixEpoch, 3), CancellationToken.None);

        Assert.False((await Store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
        Assert.Equal([true, false], (await AnnouncedAsync()).Select(changed => changed.IsInfluencer));
    }
}
