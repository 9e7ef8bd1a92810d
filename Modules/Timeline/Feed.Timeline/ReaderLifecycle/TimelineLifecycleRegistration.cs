using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.Timeline.ReaderLifecycle;

internal static class TimelineLifecycleRegistration
{
    /// <summary>
    /// What keeps each reader's timeline complete as the graph changes (backfills, reader activity and
    /// rebuilds), shared by the notification handlers, fan-out and the read; the handlers themselves are
    /// found by the mediator's generator.
    /// </summary>
    public static IServiceCollection AddTimelineLifecycle(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TimelineLifecycleOptions>()
            .Bind(configuration.GetSection(TimelineLifecycleOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TimelineBackfill>();
        services.AddScoped<ReaderActivity>();
        services.AddScoped<UnfollowedAuthorRows>();
        return services;
    }
}
