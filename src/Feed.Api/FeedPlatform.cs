using System.Text.Json;
using Feed.Api.OpenApi;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Http;
using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Storage;
using Feed.SharedKernel.Telemetry;
using Feed.SharedKernel.Validation;
using Mediator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Feed.Api;

/// <summary>What every module relies on: clock, mediator, validation, problems, JSON, auth and OpenAPI.</summary>
internal static class FeedPlatform
{
    // A probe must answer while a dependency hangs, not wait for the connection timeout.
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddFeedPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            // Validation first: a request that breaks the rules is refused once, not retried.
            // Tracing outermost, so that a request's span covers its validation and retries.
            options.PipelineBehaviors = [typeof(TracingBehavior<,>), typeof(ValidationBehavior<,>), typeof(StoreRetryBehavior<,>)];
            options.NotificationPublisherType = typeof(TracingNotificationPublisher);
        });

        services.AddFeedStorage(configuration);
        services.AddFeedOutbox(configuration);
        services.AddFeedProblems();
        services.AddPageCursors(configuration);
        services.AddFeedRequestLimits(configuration);
        services.AddFeedRateLimits(configuration);
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });

        services.AddOptions<FeedAuthOptions>()
            .Bind(configuration.GetSection(FeedAuthOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<FeedAuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = auth.Value.CreateValidationParameters();
            });
        services.AddAuthorization();

        services.AddFeedOpenApi();

        // Liveness of what the chosen configuration depends on. The cache is optional: Redis down
        // degrades the service (reads fall back to PostgreSQL) but does not make it unhealthy.
        // Readiness adds what must work for this instance to take traffic: the schema, the outbox dispatcher.
        string[] dependency = [FeedOperations.DependencyTag, FeedOperations.ReadyTag];
        var health = services.AddHealthChecks()
            .AddCheck<OutboxReadiness>("outbox_dispatcher", tags: [FeedOperations.ReadyTag]);
        if (configuration.UsesPostgres())
        {
            health.AddNpgSql(provider => provider.GetRequiredService<NpgsqlDataSource>(), name: "postgres", tags: dependency, timeout: HealthCheckTimeout);
            health.AddCheck<SchemaReadiness>("schema", tags: [FeedOperations.ReadyTag], timeout: HealthCheckTimeout * 5);
        }

        if (string.Equals(configuration["Feed:Timeline:Cache"], "Redis", StringComparison.OrdinalIgnoreCase))
        {
            health.AddRedis(provider => provider.GetRequiredService<IConnectionMultiplexer>(), name: "redis", failureStatus: HealthStatus.Degraded, tags: dependency, timeout: HealthCheckTimeout);
        }

        return services;
    }
}
