using System.Diagnostics.Metrics;
using Feed.SharedKernel.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Feed.SharedKernel.Outbox;

/// <summary>
/// <c>feed.outbox.pending</c> and <c>feed.outbox.oldest_age</c>: how much announced work waits, and how
/// long the oldest of it has waited (the fan-out lag). The store is measured in the background every
/// few seconds, not in the scrape: an observable instrument's callback must not wait on a database.
/// The age is taken at observation time from the last measurement, so it keeps growing while the
/// store cannot be measured. Every instance reports the one shared outbox: aggregate with max, not sum.
/// </summary>
public sealed partial class OutboxGauges : BackgroundService
{
    private static readonly TimeSpan MeasureEvery = TimeSpan.FromSeconds(5);

    private readonly IOutboxStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxGauges> _logger;
    private OutboxBacklog? _last;

    public OutboxGauges(IOutboxStore store, TimeProvider time, IMeterFactory meters, ILogger<OutboxGauges> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        var meter = meters.Create(FeedTelemetry.Name);
        meter.CreateObservableGauge("feed.outbox.pending", ObservePending, "{message}", "Outbox messages not yet handled.");
        meter.CreateObservableGauge("feed.outbox.oldest_age", ObserveOldestAge, "s", "Age of the oldest unhandled outbox message: the fan-out lag.");
    }

    /// <summary>Measures the backlog now (also what the background loop does every few seconds).</summary>
    public async Task MeasureAsync(CancellationToken cancellationToken) =>
        Volatile.Write(ref _last, await _store.MeasureBacklogAsync(cancellationToken));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(MeasureEvery, _time);
        do
        {
            try
            {
                await MeasureAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A store outage leaves the last measurement in place; the next tick tries again.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogMeasureFailed(_logger, exception.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private IEnumerable<Measurement<long>> ObservePending() =>
        Volatile.Read(ref _last) is { } last ? [new Measurement<long>(last.Pending)] : [];

    private IEnumerable<Measurement<double>> ObserveOldestAge()
    {
        if (Volatile.Read(ref _last) is not { } last)
        {
            return [];
        }

        var age = last.OldestCreatedOn is { } oldest ? Math.Max(0, (_time.GetUtcNow() - oldest).TotalSeconds) : 0;
        return [new Measurement<double>(age)];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Measuring the outbox backlog failed: {Reason}")]
    private static partial void LogMeasureFailed(ILogger logger, string reason);
}
