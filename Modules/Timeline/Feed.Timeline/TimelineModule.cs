using Feed.SharedKernel.OpenApi;
using Feed.SharedKernel.Storage;
using Feed.Timeline.FanOut;
using Feed.Timeline.InMemory;
using Feed.Timeline.Live;
using Feed.Timeline.Live.StreamTimeline;
using Feed.Timeline.Live.StreamToken;
using Feed.Timeline.Notifications.OnPostDeleted;
using Feed.Timeline.Postgres;
using Feed.Timeline.ReaderLifecycle;
using Feed.Timeline.Timelines.GetTimeline;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.Timeline;

/// <summary>The Timeline module's entry points for the host: registration and HTTP endpoints.</summary>
public static class TimelineModule
{
    internal const string TimelineTag = "The merged home timeline: posts of everyone you follow, newest first, page by page.";

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

    /// <summary>Every route of the module, one line each; the handler and what it documents are in its slice.</summary>
    public static IEndpointRouteBuilder MapTimelineEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/timeline", GetTimelineEndpoint.Handle).WithApiTag("Timeline", TimelineTag);
        endpoints.MapPost("/api/timeline/stream-token", IssueStreamTokenEndpoint.Handle).WithApiTag("Timeline", TimelineTag);
        StreamTimelineEndpoint.Map(endpoints); // Server-Sent Events: its own authorization and response, kept in its slice
        return endpoints;
    }
}
