using Feed.SharedKernel.Storage;
using Feed.Timeline.FanOut;
using Feed.Timeline.InMemory;
using Feed.Timeline.Live;
using Feed.Timeline.Notifications.OnPostDeleted;
using Feed.Timeline.Postgres;
using Feed.Timeline.ReaderLifecycle;
using Feed.Timeline.Timelines.GetTimeline;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.Timeline;

/// <summary>The Timeline module's entry points for the host: registration and HTTP endpoints.</summary>
public static class TimelineModule
{
    public static IServiceCollection AddTimeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TimelineOptions>()
            .Bind(configuration.GetSection(TimelineOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // The adapter is chosen once, at start-up, by the same setting that registers the storage.
        if (configuration.UsesPostgres())
        {
            services.ConfigureMarten(TimelineTables.Configure);
            services.TryAddSingleton<ITimelinePostStore, PostgresTimelinePostStore>();
            services.TryAddSingleton<ITimelineRowStore, PostgresTimelineRowStore>();
            services.TryAddSingleton<ITimelineReaderStore, PostgresTimelineReaderStore>();
            services.TryAddSingleton<IFanOutProgressStore, PostgresFanOutProgressStore>();
        }
        else
        {
            // The rows' activity filter reads the same in-memory readers the reader port writes.
            services.TryAddSingleton<InMemoryTimelineReaderStore>();
            services.TryAddSingleton<ITimelineReaderStore>(static provider => provider.GetRequiredService<InMemoryTimelineReaderStore>());
            services.TryAddSingleton<ITimelineRowStore, InMemoryTimelineRowStore>();
            services.TryAddSingleton<ITimelinePostStore, InMemoryTimelinePostStore>();
            services.TryAddSingleton<IFanOutProgressStore, InMemoryFanOutProgressStore>();
        }

        services.AddMetrics();
        services.TryAddSingleton<TimelineMetrics>();
        services.AddScoped<FanOutPost>();
        services.AddScoped<PulledAuthors>();
        services.AddScoped<ReaderStates>();
        services.AddScoped<DeletedPostRows>();
        services.AddTimelineCache(configuration);
        services.AddTimelineLifecycle(configuration);
        services.AddLiveTimeline(configuration);
        services.AddValidatorsFromAssembly(typeof(TimelineModule).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true); // stateless: built once, not per request
        return services;
    }

    public static IEndpointRouteBuilder MapTimelineEndpoints(this IEndpointRouteBuilder endpoints)
    {
        GetTimelineEndpoint.Map(endpoints);
        LiveRegistration.MapLiveEndpoints(endpoints);
        return endpoints;
    }
}
