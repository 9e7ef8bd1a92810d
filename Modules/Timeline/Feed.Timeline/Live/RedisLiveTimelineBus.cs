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
internal sealed class RedisLiveTimelineBus(IConnectionMultiplexer redis, IOptions<TimelineOptions> options) : ILiveTimelineBus
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisChannel _channel = RedisChannel.Sharded(options.Value.CacheKeyPrefix + "live:timeline");

    public async ValueTask PublishAsync(LiveTimelineMessage message, CancellationToken cancellationToken) =>
        await redis.GetSubscriber().PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(message, Json)).WaitAsync(cancellationToken);

    public async ValueTask SubscribeAsync(Action<LiveTimelineMessage> receive, Action interrupted, CancellationToken cancellationToken)
    {
        // Pub/sub keeps nothing for a subscriber that is cut off: the client resubscribes by itself once it
        // reconnects, but what was published meanwhile is gone, so the subscriber hears of the gap.
        var cut = 0;
        EventHandler<ConnectionFailedEventArgs> failed = (_, _) => Volatile.Write(ref cut, 1);
        EventHandler<ConnectionFailedEventArgs> restored = (_, _) =>
        {
            if (Interlocked.Exchange(ref cut, 0) == 1)
            {
                interrupted();
            }
        };
        redis.ConnectionFailed += failed;
        redis.ConnectionRestored += restored;

        // A queue, not a handler: handlers may run concurrently, a queue hands messages over in the order
        // received (a post's removal must not overtake its arrival).
        ChannelMessageQueue queue;
        try
        {
            queue = await redis.GetSubscriber().SubscribeAsync(_channel).WaitAsync(cancellationToken);
        }
        catch
        {
            redis.ConnectionFailed -= failed;
            redis.ConnectionRestored -= restored;
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
}
