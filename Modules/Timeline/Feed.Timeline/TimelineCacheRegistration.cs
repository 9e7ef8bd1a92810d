using Feed.Timeline.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline;

internal static class TimelineCacheRegistration
{
    /// <summary>
    /// Registers the cache chosen by <c>Feed:Timeline:Cache</c>, once, at start-up: none (a null
    /// object) or Redis through one shared <see cref="IConnectionMultiplexer"/>.
    /// </summary>
    public static IServiceCollection AddTimelineCache(this IServiceCollection services, IConfiguration configuration)
    {
        var redisConnectionString = configuration.GetConnectionString(TimelineOptions.RedisConnectionStringName);
        services.AddSingleton<IValidateOptions<TimelineOptions>, TimelineOptionsValidator>();
        services.Configure<TimelineOptions>(options => options.RedisConnectionString = redisConnectionString);

        var cache = configuration.GetSection(TimelineOptions.SectionName).GetValue(nameof(TimelineOptions.Cache), TimelineCacheProvider.None);
        if (cache == TimelineCacheProvider.Redis && !string.IsNullOrWhiteSpace(redisConnectionString))
        {
            services.TryAddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(ConnectionOptions(redisConnectionString)));
            services.TryAddSingleton<ITimelineCache, RedisTimelineCache>();
            services.AddHostedService<RedisStartupReport>();
        }
        else
        {
            // Without a connection string start-up validation stops the service with a clear message.
            services.TryAddSingleton<ITimelineCache, NoTimelineCache>();
        }

        return services;
    }

    /// <summary>
    /// The connection string's settings, plus what the cache relies on: start even while Redis is
    /// down (reconnecting in the background), and fail commands at once while disconnected instead
    /// of queueing them until they time out, so that requests fall back to the store without delay;
    /// and what the health check needs on a cluster.
    /// </summary>
    public static ConfigurationOptions ConnectionOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // The health check asks each node of a cluster CLUSTER INFO, which the client allows only in
        // admin mode (a client-side guard: the cache itself sends no admin command).
        options.AllowAdmin = true;
        return options;
    }
}
