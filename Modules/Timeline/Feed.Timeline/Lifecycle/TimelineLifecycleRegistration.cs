using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.Timeline.Lifecycle;

internal static class TimelineLifecycleRegistration
{
    /// <summary>Backfills, reader activity and cleanup; their notification handlers are found by the mediator's generator.</summary>
    public static IServiceCollection AddTimelineLifecycle(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TimelineLifecycleOptions>()
            .Bind(configuration.GetSection(TimelineLifecycleOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<TimelineBackfill>();
        services.AddScoped<ReaderActivity>();
        services.AddScoped<DeletedPostRows>();
        return services;
    }
}
