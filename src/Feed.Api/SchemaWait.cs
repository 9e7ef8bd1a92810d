using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Feed.Api;

internal static class SchemaWait
{
    /// <summary>Waits until the readiness check of the schema passes (created or migrated at start-up).</summary>
    public static async Task WhenSchemaReadyAsync(this WebApplication app, CancellationToken cancellationToken)
    {
        var health = app.Services.GetRequiredService<HealthCheckService>();
        while ((await health.CheckHealthAsync(check => check.Name == "schema", cancellationToken)).Status != HealthStatus.Healthy)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }
}
