using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Feed.SharedKernel.Storage;

/// <summary>
/// Ready once the database holds every table, index and function the modules configured (created or
/// migrated at start-up). Once it has matched it stays matched: the service never drops its schema,
/// so later probes cost nothing.
/// </summary>
public sealed class SchemaReadiness(IDocumentStore store) : IHealthCheck
{
    private volatile bool _matched;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_matched)
        {
            await store.Storage.Database.AssertDatabaseMatchesConfigurationAsync(cancellationToken);
            _matched = true;
        }

        return HealthCheckResult.Healthy();
    }
}
