using System.ComponentModel.DataAnnotations;
using Feed.SharedKernel.Health;
using Feed.SharedKernel.Telemetry;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Feed.Api;

/// <summary>What an operator sees and sets (<c>Feed:Telemetry</c>): the Prometheus scrape endpoint.</summary>
internal sealed class TelemetryOptions
{
    public const string SectionName = "Feed:Telemetry";

    /// <summary>Serve the metrics for Prometheus to scrape.</summary>
    public bool PrometheusEnabled { get; set; } = true;

    [RegularExpression("^/[A-Za-z0-9/_.-]*$", ErrorMessage = "Feed:Telemetry:PrometheusPath must be a path starting with '/' (letters, digits, '/', '_', '.', '-').")]
    public string PrometheusPath { get; set; } = "/metrics";
}

/// <summary>How long a stopping service may take (<c>Feed:Shutdown</c>): draining requests and the fan-out batch in hand.</summary>
internal sealed class ShutdownOptions
{
    public const string SectionName = "Feed:Shutdown";

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Feed:Shutdown:Timeout must be between 00:00:01 and 00:10:00.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Telemetry, request logs, health endpoints and shutdown: OpenTelemetry (the service's <c>Feed</c>
/// meter and spans, ASP.NET Core, runtime, Npgsql and Redis), exported to Prometheus at
/// <c>/metrics</c> and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, over OTLP.
/// </summary>
internal static class FeedOperations
{
    /// <summary>Checks that say whether this instance should get traffic; the liveness endpoint runs none.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The dependencies <c>/health</c> has always reported.</summary>
    public const string DependencyTag = "dependency";

    public static IServiceCollection AddFeedOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>()
            .Bind(configuration.GetSection(TelemetryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ShutdownOptions>()
            .Bind(configuration.GetSection(ShutdownOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);

        var prometheus = configuration.GetSection(TelemetryOptions.SectionName).GetValue(nameof(TelemetryOptions.PrometheusEnabled), true);
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("feed"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(FeedTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation();
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (otlp)
        {
            // Spans are only worth recording when they go somewhere.
            telemetry.WithTracing(tracing => tracing
                .AddSource(FeedTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddNpgsql()
                .AddRedisInstrumentation());
            telemetry.UseOtlpExporter();
        }

        // One line per request: method, route template (never the path: it may carry ids or a
        // mistyped secret), status and duration. No headers, query or bodies: no tokens, passwords or emails.
        services.AddHttpLogging(logging =>
        {
            logging.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            logging.CombineLogs = true;
        });
        services.AddSingleton<IHttpLoggingInterceptor, RouteLoggingInterceptor>();
        return services;
    }

    public static WebApplication MapFeedOperations(this WebApplication app)
    {
        app.MapHealthChecks("/health", HealthResponse.For(check => check.Tags.Contains(DependencyTag)));
        app.MapHealthChecks("/health/live", HealthResponse.For(_ => false));
        app.MapHealthChecks("/health/ready", HealthResponse.For(check => check.Tags.Contains(ReadyTag)));

        var telemetry = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        if (telemetry.PrometheusEnabled)
        {
            app.MapPrometheusScrapingEndpoint(telemetry.PrometheusPath);
        }

        return app;
    }

    /// <summary>Names the request by its route template, e.g. <c>/api/users/{user_id:guid}/follow</c>.</summary>
    private sealed class RouteLoggingInterceptor : IHttpLoggingInterceptor
    {
        // Taken when the request comes in: an exception handler clears the endpoint before the response.
        public ValueTask OnRequestAsync(HttpLoggingInterceptorContext logContext)
        {
            var route = (logContext.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            logContext.AddParameter("Route", route ?? "(no route)");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnResponseAsync(HttpLoggingInterceptorContext logContext) => ValueTask.CompletedTask;
    }
}
