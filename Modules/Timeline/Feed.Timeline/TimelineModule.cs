using Feed.Timeline.FanOut;
using Feed.Timeline.InMemory;
using Feed.Timeline.Timelines.GetTimeline;
using FluentValidation;
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

        // TryAdd: a storage adapter registered earlier (PostgreSQL) takes the place of the in-memory one.
        services.TryAddSingleton<ITimelineStore, InMemoryTimelineStore>();
        services.AddScoped<FanOutPost>();
        services.AddTimelineCache(configuration);
        services.AddValidatorsFromAssembly(typeof(TimelineModule).Assembly, includeInternalTypes: true);
        return services;
    }

    public static IEndpointRouteBuilder MapTimelineEndpoints(this IEndpointRouteBuilder endpoints)
    {
        GetTimelineEndpoint.Map(endpoints);
        return endpoints;
    }
}
