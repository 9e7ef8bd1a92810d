using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Feed.SharedKernel.Outbox;

/// <summary>
/// Ready only while the dispatcher delivers (an instance that takes posts but never fans them out
/// must get no traffic) and the host is not stopping (so a load balancer stops sending requests first).
/// </summary>
public sealed class OutboxReadiness(OutboxDispatcher dispatcher, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("The service is stopping.")
            : dispatcher.IsRunning ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The outbox dispatcher is not running."));
}
