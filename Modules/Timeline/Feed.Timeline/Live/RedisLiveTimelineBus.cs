using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline.Live;

/// <summary>
/// Every instance subscribes to one Redis channel. It is a literal (classic) channel, not a sharded
/// one: on a Redis Cluster a classic PUBLISH reaches the subscribers of every node, which is what a
/// message for "whoever follows this author, wherever connected" needs; a sharded channel would only
/// pay off with one channel per reader, which costs a publish per follower.
/// </summary>
internal sealed class RedisLiveTimelineBus(IConnectionMultiplexer redis, IOptions<TimelineOptions> options) : ILiveTimelineBus
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RedisChannel _channel = RedisChannel.Literal(options.Value.CacheKeyPrefix + "live:timeline");

    public async ValueTask PublishAsync(LiveTimelineMessage message, CancellationToken cancellationToken) =>
        await redis.GetSubscriber().PublishAsync(_channel, JsonSerializer.SerializeToUtf8Bytes(message, Json)).WaitAsync(cancellationToken);

    public async ValueTask SubscribeAsync(Action<LiveTimelineMessage> receive, CancellationToken cancellationToken)
    {
        // A queue, not a handler: handlers may run concurrently, a queue hands messages over in the order
        // received (a post's removal must not overtake its arrival).
        var queue = await redis.GetSubscriber().SubscribeAsync(_channel).WaitAsync(cancellationToken);
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
