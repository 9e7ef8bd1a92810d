using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Feed.Timeline.Live;

/// <summary>
/// Subscribes this instance's hub to the bus at start-up, retrying while Redis is unreachable (the
/// client restores a subscription it once made by itself after a reconnect; the streams open then are
/// told to refetch what they missed meanwhile).
/// </summary>
internal sealed partial class LiveTimelineSubscription(ILiveTimelineBus bus, LiveTimelineHub hub, TimeProvider time, ILogger<LiveTimelineSubscription> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await bus.SubscribeAsync(hub.Receive, hub.Interrupted, stoppingToken);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (failures++ == 0)
                {
                    LogSubscribeFailed(logger, exception);
                }

                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }

    // Debug: Redis down at start-up is reported once, by the cache's own start-up line.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Live timeline updates are not subscribed yet (Redis unreachable); retrying every 2 s.")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);
}
