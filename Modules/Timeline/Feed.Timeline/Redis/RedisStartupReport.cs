using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// Connects to Redis while the service starts and, when no server (or no node of a cluster) named by
/// <c>ConnectionStrings:Redis</c> answers, says so in one warning line naming the setting and the
/// endpoints. The service starts anyway: the cache is optional, every read falls back to the store,
/// and the client keeps reconnecting in the background (<c>/health</c> reports Redis degraded
/// meanwhile). Connecting here, not on the first request, also spares that request the connect timeout.
/// </summary>
internal sealed partial class RedisStartupReport(IServiceProvider services, ILogger<RedisStartupReport> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Connect blocks until a server answers or the connect timeout passes (AbortOnConnectFail is off).
        var redis = await Task.Run(services.GetRequiredService<IConnectionMultiplexer>, cancellationToken);
        if (redis.IsConnected)
        {
            return;
        }

        string reason;
        try
        {
            await redis.GetDatabase().PingAsync();
            return; // Connected in the meantime.
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            // The innermost cause ("Connection refused", a timeout...): the outer messages repeat client internals.
            reason = exception.GetBaseException().Message;
        }

        LogUnreachable(string.Join(", ", redis.GetEndPoints(configuredOnly: true).Select(Format)), reason);
        // This line is the outage's report: the cache logs no second warning for the same outage.
        if (services.GetService<ITimelineCache>() is RedisTimelineCache cache)
        {
            cache.OutageReported();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Format(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "ConnectionStrings:Redis: no Redis server answers at {EndPoints} ({Reason}); starting without the timeline cache, timelines are served from the store until Redis answers")]
    private partial void LogUnreachable(string endPoints, string reason);
}
