using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline.Live;

/// <summary>
/// Every instance subscribes to one sharded channel (SPUBLISH/SSUBSCRIBE, Redis 7): on a Redis Cluster
/// it lives on the master owning its slot, where every instance subscribes and every publish goes, so
/// messages keep their order (a classic channel's PUBLISH may enter the cluster at any node and reach
/// the subscriber out of order across the cluster bus) and are not broadcast to every node. One channel
/// is enough: a post change is one message whatever the author's audience.
/// </summary>
internal sealed class RedisLiveTimelineBus(IConnectionMultiplexer redis, IOptions<TimelineOptions> options) : ILiveTimelineBus, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly LiveTimelineMessage Resync = new(LiveMessageKind.Resync, Guid.Empty, []);
    private static readonly TimeSpan ResyncRetry = TimeSpan.FromSeconds(1);

    private readonly RedisChannel _channel = RedisChannel.Sharded(options.Value.CacheKeyPrefix + "live:timeline");
    private readonly CancellationTokenSource _stopping = new();

    // Publishes that failed (and may not have gone out), and whether a resync is being sent for them.
    private long _failures;
    private int _resyncing;

    public async ValueTask PublishAsync(LiveTimelineMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(message, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            OweResync();
            throw;
        }
    }

    public async ValueTask SubscribeAsync(Action<LiveTimelineMessage> receive, Action interrupted, CancellationToken cancellationToken)
    {
        // Pub/sub keeps nothing for a subscriber that is cut off: the client resubscribes by itself once it
        // reconnects, but what was published meanwhile is gone, so the subscriber hears of the gap. Each
        // restored connection tells it (the subscription's own may come back after the others).
        EventHandler<ConnectionFailedEventArgs> restored = (_, _) => interrupted();
        redis.ConnectionRestored += restored;

        // A queue, not a handler: handlers may run concurrently, a queue hands messages over in the order
        // received (a post's removal must not overtake its arrival).
        var subscriber = redis.GetSubscriber();
        ChannelMessageQueue queue;
        try
        {
            queue = await subscriber.SubscribeAsync(_channel).WaitAsync(cancellationToken);
        }
        catch
        {
            redis.ConnectionRestored -= restored;
            Forget(subscriber);
            throw;
        }

        queue.OnMessage(received =>
        {
            // A message this version cannot read (another version mid-deploy) is skipped, not fatal.
            LiveTimelineMessage? message;
            try
            {
                message = JsonSerializer.Deserialize<LiveTimelineMessage>((byte[])received.Message!, Json);
            }
            catch (JsonException)
            {
                return;
            }

            if (message is not null)
            {
                receive(message);
            }
        });
    }

    // Cancelled, not disposed: a publish during shutdown may still read its token.
    public void Dispose() => _stopping.Cancel();

    private async Task SendAsync(LiveTimelineMessage message, CancellationToken cancellationToken) =>
        await redis.GetSubscriber().PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(message, Json)).WaitAsync(cancellationToken);

    /// <summary>
    /// A message that did not go out is missing from the streams of every instance, whose own connections may
    /// be fine (so no reconnect tells them). Once Redis takes messages from this process again, one Resync
    /// tells every open stream to read again. One sender at a time, retried every second.
    /// </summary>
    private void OweResync()
    {
        Interlocked.Increment(ref _failures);
        if (Interlocked.CompareExchange(ref _resyncing, 1, 0) == 0)
        {
            _ = ResyncAsync(_stopping.Token);
        }
    }

    private async Task ResyncAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ResyncRetry, stopping);
                // Failures counted by now came before the resync goes out, so it covers them.
                var covered = Volatile.Read(ref _failures);
                try
                {
                    await SendAsync(Resync, stopping);
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    // Whatever the failure (a cancellation too, if the client ever raised one of its own): the loop
                    // must go on, or no resync would be sent again for the life of the process.
                    continue;
                }

                Volatile.Write(ref _resyncing, 0);
                // A failure counted since found this loop running and left its resync to it: go round again,
                // unless a new failure has started a loop of its own meanwhile.
                if (Volatile.Read(ref _failures) == covered || Interlocked.CompareExchange(ref _resyncing, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The process is stopping: its streams end with it.
        }
    }

    /// <summary>
    /// Takes back a subscription that failed. The client registers the queue before Redis confirms it and
    /// keeps it when that fails: once Redis is back it would restore it, and the queue, which nobody reads,
    /// would hold every message from then on. One bus subscribes per process, so all of the channel goes.
    /// </summary>
    private void Forget(ISubscriber subscriber)
    {
        try
        {
            subscriber.Unsubscribe(_channel, handler: null, CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            // Redis is unreachable: the registration is dropped here before anything is sent.
        }
    }
}
