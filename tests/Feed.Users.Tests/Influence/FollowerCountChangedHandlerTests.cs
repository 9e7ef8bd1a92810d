using System.Collections.Concurrent;
using Feed.Social.Contracts;
using Feed.Users.Contracts;
using Feed.Users.Influence;
using Feed.Users.InMemory;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Users.Tests.Influence;

public sealed class FollowerCountChangedHandlerTests
{
    private readonly InMemoryUserStore _store = new(new Feed.SharedKernel.Storage.InMemoryRegisteredUsers());
    private readonly RecordingPublisher _published = new();
    private readonly ManualClock _time = new(DateTimeOffset.Parse("2025-06-01T12:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture));

    private FollowerCountChangedHandler Handler(long promotion = 3, long? demotion = null) => new(
        _store,
        _published,
        Options.Create(new UsersOptions { InfluencerFollowerThreshold = promotion, InfluencerDemotionFollowerThreshold = demotion }),
        _time);

    private async Task<User> RegisteredAsync()
    {
        var user = UserFactory.NewUser();
        await _store.AddAsync(user, CancellationToken.None);
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
        Assert.Empty(_published.Notifications);

        await handler.Handle(Followed(user.UserId, 3), CancellationToken.None);
        await handler.Handle(Followed(user.UserId, 4), CancellationToken.None);

        var changed = Assert.Single(_published.Notifications);
        Assert.Equal(new InfluencerStatusChanged(user.UserId, true, _time.GetUtcNow()), changed);
        Assert.True((await _store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
    }

    [Fact]
    public async Task Falling_below_the_demotion_threshold_demotes_and_publishes()
    {
        var user = await RegisteredAsync();
        var handler = Handler(promotion: 10);
        await handler.Handle(Followed(user.UserId, 10), CancellationToken.None);

        // 90% of 10 is 9: 9 keeps the status, 8 drops it.
        await handler.Handle(Unfollowed(user.UserId, 9), CancellationToken.None);
        Assert.True((await _store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);

        _time.Advance(TimeSpan.FromMinutes(1));
        await handler.Handle(Unfollowed(user.UserId, 8), CancellationToken.None);

        Assert.Equal(
            [new InfluencerStatusChanged(user.UserId, true, _time.GetUtcNow().AddMinutes(-1)), new InfluencerStatusChanged(user.UserId, false, _time.GetUtcNow())],
            _published.Notifications);
        Assert.False((await _store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
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

        Assert.Equal([true], _published.Notifications.Select(changed => changed.IsInfluencer));
    }

    [Fact]
    public async Task Concurrent_notifications_publish_a_promotion_once()
    {
        var user = await RegisteredAsync();
        var handler = Handler();

        await Task.WhenAll(Enumerable.Range(3, 32).Select(count => Task.Run(async () =>
            await handler.Handle(Followed(user.UserId, count), CancellationToken.None))));

        Assert.Equal([new InfluencerStatusChanged(user.UserId, true, _time.GetUtcNow())], _published.Notifications);
        Assert.True((await _store.GetAsync(user.UserId, CancellationToken.None))!.IsInfluencer);
    }

    [Fact]
    public async Task Unknown_followee_is_ignored()
    {
        await Handler().Handle(Followed(Guid.CreateVersion7(), 1_000), CancellationToken.None);

        Assert.Empty(_published.Notifications);
    }

    private sealed class RecordingPublisher : IPublisher
    {
        private readonly ConcurrentQueue<InfluencerStatusChanged> _notifications = new();

        public IReadOnlyList<InfluencerStatusChanged> Notifications => [.. _notifications];

        public ValueTask Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default)
            where TNotification : INotification => Publish((object)notification, cancellationToken);

        public ValueTask Publish(object notification, CancellationToken cancellationToken = default)
        {
            _notifications.Enqueue(Assert.IsType<InfluencerStatusChanged>(notification));
            return ValueTask.CompletedTask;
        }
    }
}
