using Feed.Timeline.Live.StreamToken;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.Timeline.Live;

internal static class LiveRegistration
{
    /// <summary>The live stream: across instances through Redis pub/sub when the cache is Redis, in process otherwise.</summary>
    public static IServiceCollection AddLiveTimeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LiveOptions>()
            .Bind(configuration.GetSection(LiveOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var cache = configuration.GetSection(TimelineOptions.SectionName).GetValue(nameof(TimelineOptions.Cache), TimelineCacheProvider.None);
        if (cache == TimelineCacheProvider.Redis && !string.IsNullOrWhiteSpace(configuration.GetConnectionString(TimelineOptions.RedisConnectionStringName)))
        {
            services.TryAddSingleton<ILiveTimelineBus, RedisLiveTimelineBus>();
        }
        else
        {
            services.TryAddSingleton<ILiveTimelineBus, InMemoryLiveTimelineBus>();
        }

        services.TryAddSingleton<LiveTimelineHub>();
        services.AddHostedService<LiveTimelineSubscription>();
        services.AddScoped<LiveTimelineEvents>();
        services.AddStreamTokens();
        return services;
    }
}
