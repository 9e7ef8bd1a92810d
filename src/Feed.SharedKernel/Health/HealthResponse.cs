using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Feed.SharedKernel.Health;

/// <summary>
/// <c>/health</c> as JSON: the overall status and each dependency's (PostgreSQL, Redis when configured),
/// so an operator sees which one is down. Unhealthy is a 503, degraded (Redis down) still a 200.
/// </summary>
public static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static HealthCheckOptions Options { get; } = new() { ResponseWriter = WriteAsync };

    /// <summary>The same answer for the checks <paramref name="predicate"/> selects (none: the process answers, liveness).</summary>
    public static HealthCheckOptions For(Func<HealthCheckRegistration, bool> predicate) => new() { Predicate = predicate, ResponseWriter = WriteAsync };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            Status = report.Status.ToString(),
            Checks = report.Entries.ToDictionary(
                entry => entry.Key,
                // The exception text stays in the log: it may name hosts and users.
                entry => new { Status = entry.Value.Status.ToString(), DurationMs = (long)entry.Value.Duration.TotalMilliseconds }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }
}
