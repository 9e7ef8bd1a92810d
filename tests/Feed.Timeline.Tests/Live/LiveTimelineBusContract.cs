using System.Threading.Channels;
using Feed.Testing;
using Feed.Timeline.Live;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Live;

/// <summary>
/// What every <see cref="ILiveTimelineBus"/> adapter must do. Each adapter's test class supplies two
/// buses on one transport: two instances of the service (Redis), or the one process (in memory).
/// </summary>
public abstract class LiveTimelineBusContract
{
    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract Task<(ILiveTimelineBus Publisher, ILiveTimelineBus Subscriber)> CreatePairAsync();

    [Fact]
    public async Task A_published_message_reaches_every_subscriber_whole()
    {
        var (publisher, subscriber) = await CreatePairAsync();
        var first = Channel.CreateUnbounded<LiveTimelineMessage>();
        var second = Channel.CreateUnbounded<LiveTimelineMessage>();
        await subscriber.SubscribeAsync(message => first.Writer.TryWrite(message), () => { }, Ct);
        await subscriber.SubscribeAsync(message => second.Writer.TryWrite(message), () => { }, Ct);
        var sent = new LiveTimelineMessage(
            LiveMessageKind.ReaderGained,
            Guid.NewGuid(),
            [new LivePost(Guid.NewGuid(), new DateTimeOffset(2025, 3, 1, 12, 0, 0, 123, TimeSpan.Zero)), new LivePost(Guid.NewGuid(), DateTimeOffset.UnixEpoch)],
            Guid.NewGuid());

        await publisher.PublishAsync(sent, Ct);

        foreach (var received in new[] { await ReadAsync(first), await ReadAsync(second) })
        {
            Assert.Equal((sent.Kind, sent.Subject, sent.Followee), (received.Kind, received.Subject, received.Followee));
            Assert.Equal(sent.Posts, received.Posts);
        }
    }

    [Fact]
    public async Task Messages_from_one_publisher_arrive_in_the_order_sent()
    {
        var (publisher, subscriber) = await CreatePairAsync();
        var received = Channel.CreateUnbounded<LiveTimelineMessage>();
        await subscriber.SubscribeAsync(message => received.Writer.TryWrite(message), () => { }, Ct);
        var subjects = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();

        foreach (var subject in subjects)
        {
            await publisher.PublishAsync(new LiveTimelineMessage(LiveMessageKind.ReaderFollowingChanged, subject, []), Ct);
        }

        var order = new List<Guid>();
        foreach (var _ in subjects)
        {
            order.Add((await ReadAsync(received)).Subject);
        }

        Assert.Equal(subjects, order);
    }

    private static async Task<LiveTimelineMessage> ReadAsync(Channel<LiveTimelineMessage> channel)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(Patience.Timeout);
        return await channel.Reader.ReadAsync(patience.Token);
    }
}

public sealed class InMemoryLiveTimelineBusTests : LiveTimelineBusContract
{
    private protected override Task<(ILiveTimelineBus Publisher, ILiveTimelineBus Subscriber)> CreatePairAsync()
    {
        var bus = new InMemoryLiveTimelineBus();
        return Task.FromResult<(ILiveTimelineBus, ILiveTimelineBus)>((bus, bus));
    }
}

/// <summary>Two connections to the test Redis (or Redis Cluster), as two service instances have, sharing a key prefix of their own.</summary>
public sealed class RedisLiveTimelineBusTests : LiveTimelineBusContract, IAsyncDisposable
{
    private readonly List<StackExchange.Redis.ConnectionMultiplexer> _connections = [];

    private protected override async Task<(ILiveTimelineBus Publisher, ILiveTimelineBus Subscriber)> CreatePairAsync()
    {
        var options = FreshPrefix();
        var publishing = await TestServers.ConnectRedisAsync();
        var subscribing = await TestServers.ConnectRedisAsync();
        _connections.AddRange([publishing, subscribing]);
        return (new RedisLiveTimelineBus(publishing, options), new RedisLiveTimelineBus(subscribing, options));
    }

    [Fact]
    public async Task A_subscriber_cut_off_from_Redis_hears_of_the_gap_once_back_and_receives_again()
    {
        var options = FreshPrefix();
        var name = $"feed-test-live-{Guid.NewGuid():N}";
        var publishing = await TestServers.ConnectRedisAsync();
        var subscribing = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{TestServers.RedisServer},abortConnect=false,name={name}");
        _connections.AddRange([publishing, subscribing]);
        using var publisher = new RedisLiveTimelineBus(publishing, options);
        var received = Channel.CreateUnbounded<LiveTimelineMessage>();
        var interrupted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await new RedisLiveTimelineBus(subscribing, options).SubscribeAsync(message => received.Writer.TryWrite(message), () => interrupted.TrySetResult(), Ct);

        // As a Redis restart or a network cut does to this one client: its connections are closed.
        foreach (var server in publishing.GetServers())
        {
            foreach (var client in (await server.ClientListAsync()).Where(client => client.Name == name))
            {
                await server.ClientKillAsync(client.Id);
            }
        }

        await interrupted.Task.WaitAsync(Patience.Timeout, Ct);
        var subject = Guid.NewGuid();
        await Patience.UntilAsync(
            async () =>
            {
                await publisher.PublishAsync(new LiveTimelineMessage(LiveMessageKind.ReaderFollowingChanged, subject, []), Ct);
                await Task.Delay(TimeSpan.FromMilliseconds(50), Ct);
                return received.Reader.TryPeek(out _);
            },
            "a message published after the reconnect",
            Ct);
        Assert.Equal(subject, (await received.Reader.ReadAsync(Ct)).Subject);
    }

    [Fact]
    public async Task A_message_that_did_not_go_out_is_followed_by_a_resync_once_Redis_takes_messages_again()
    {
        // Only the publisher lost Redis: the subscribers' connections never dropped, so nothing else tells
        // their streams that a message is missing.
        await using var proxy = new RedisOutageProxy();
        var options = FreshPrefix();
        var publishing = await proxy.ConnectAsync();
        var subscribing = await TestServers.ConnectRedisAsync();
        _connections.AddRange([publishing, subscribing]);
        using var publisher = new RedisLiveTimelineBus(publishing, options);
        var received = Channel.CreateUnbounded<LiveTimelineMessage>();
        await new RedisLiveTimelineBus(subscribing, options).SubscribeAsync(message => received.Writer.TryWrite(message), () => { }, Ct);

        proxy.Cut();
        await Patience.UntilAsync(() => Task.FromResult(!publishing.IsConnected), "the publisher noticed the cut", Ct);
        var lost = new LiveTimelineMessage(LiveMessageKind.AuthorPosted, Guid.NewGuid(), [new LivePost(Guid.CreateVersion7(), DateTimeOffset.UtcNow)]);
        await Assert.ThrowsAnyAsync<Exception>(async () => await publisher.PublishAsync(lost, Ct));
        proxy.Restore();

        var next = await received.Reader.ReadAsync(Ct).AsTask().WaitAsync(Patience.Timeout, Ct);
        Assert.Equal(LiveMessageKind.Resync, next.Kind);
    }

    [Fact]
    public async Task A_subscription_that_failed_while_Redis_was_down_leaves_nothing_subscribed_behind()
    {
        // The client registers a subscription before Redis confirms it and keeps it when that fails: once
        // Redis was back, each failed attempt of the start-up retries came alive as a queue nobody reads,
        // holding every message published from then on.
        await using var proxy = new RedisOutageProxy();
        var options = FreshPrefix();
        var subscribing = await proxy.ConnectAsync();
        var observing = await TestServers.ConnectRedisAsync();
        _connections.AddRange([subscribing, observing]);
        // A subscription that did succeed: when the client has restored it, it has restored what it holds.
        var control = StackExchange.Redis.RedisChannel.Sharded(options.Value.CacheKeyPrefix + "control");
        await subscribing.GetSubscriber().SubscribeAsync(control, (_, _) => { });
        proxy.Cut();
        await Patience.UntilAsync(() => Task.FromResult(!subscribing.IsConnected), "the client noticed the cut", Ct);
        var bus = new RedisLiveTimelineBus(subscribing, options);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Assert.ThrowsAnyAsync<StackExchange.Redis.RedisException>(async () => await bus.SubscribeAsync(_ => { }, () => { }, Ct));
        }

        proxy.Restore();
        var server = observing.GetServers()[0];
        async Task<long> SubscribersAsync(string channel) =>
            (long)((StackExchange.Redis.RedisResult[])(await server.ExecuteAsync("PUBSUB", "SHARDNUMSUB", channel))!)[1];
        await Patience.UntilAsync(async () => await SubscribersAsync((string)control!) == 1, "the client restored its subscriptions", Ct);

        Assert.Equal(0, await SubscribersAsync(options.Value.CacheKeyPrefix + "live:timeline"));
    }

    /// <summary>A key prefix of the test's own: its channel reaches no other test's subscribers.</summary>
    private static Microsoft.Extensions.Options.IOptions<TimelineOptions> FreshPrefix() =>
        Microsoft.Extensions.Options.Options.Create(new TimelineOptions { CacheKeyPrefix = $"feed-test-{Guid.NewGuid():N}:" });

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
