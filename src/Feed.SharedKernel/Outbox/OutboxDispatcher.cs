using System.Diagnostics;
using Feed.SharedKernel.Telemetry;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Feed.SharedKernel.Outbox;

/// <summary>
/// Publishes committed outbox messages to their in-process handlers, oldest first, at least once.
/// A message whose handlers fail is retried with exponential backoff; one held by a dispatcher that
/// died is released when its lease runs out, so nothing announced is ever dropped (handlers are
/// idempotent). The lease is short and renewed while the work is in hand (<see cref="OutboxOptions"/>),
/// so work left by a crash is picked up within one lease, by this process restarted or another one.
/// <para>
/// Shutdown: once the host begins to stop, nothing more is claimed; a handler in hand finishes its
/// step (a fan-out the batch it is writing, recording its progress, <c>FanOutPost</c>) and a message it
/// did not finish is released at once for the next dispatcher. Handlers are cut off only when the
/// host's shutdown timeout runs out.
/// </para>
/// </summary>
public sealed partial class OutboxDispatcher(
    IOutboxStore store,
    OutboxMessageTypes types,
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger,
    IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    // Cancelled when the host's shutdown timeout runs out: the handlers' token, so work in hand is not cut short before.
    private readonly CancellationTokenSource _deadline = new();
    private const int BatchSize = 32;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    /// <summary>The delay before attempt <paramref name="attempts"/> + 1: 100 ms, doubling, at most a minute.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempts - 1, 20))));

    /// <summary>
    /// Waits until no message is pending (for tests and orderly shutdowns). The timeout is measured in
    /// real time, not on the injected clock: a fake clock that stands still or creeps would otherwise
    /// turn a stuck outbox into a hang instead of a failure.
    /// </summary>
    public async Task WhenIdleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (await store.CountPendingAsync(cancellationToken) > 0)
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"The outbox still has pending messages after {timeout}.");
            }

            signal.Wake();
            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }
    }

    /// <summary>True while the dispatch loop runs (readiness: a service that cannot deliver is not ready).</summary>
    public bool IsRunning => ExecuteTask is { IsCompleted: false };

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var registration = cancellationToken.Register(_deadline.Cancel);
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            // The base may return on the timeout before the registration's callback ran (callbacks run last registered first).
            if (cancellationToken.IsCancellationRequested)
            {
                await _deadline.CancelAsync();
            }

            await registration.DisposeAsync();
        }
    }

    public override void Dispose()
    {
        _deadline.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Claiming stops as soon as the host begins to stop, before the server has drained its requests.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime?.ApplicationStopping ?? CancellationToken.None);
        await RunAsync(stopping.Token);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var dispatched = 0;
            try
            {
                dispatched = await DispatchBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The dispatcher must outlive any store outage; it retries on the next round.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogStoreUnavailable(logger, exception);
            }

            if (dispatched == 0)
            {
                try
                {
                    await signal.WaitAsync(PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<int> DispatchBatchAsync(CancellationToken stoppingToken)
    {
        var lease = options.Value.Lease;
        var batch = await store.ClaimDueAsync(BatchSize, lease, stoppingToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        // Every claimed message not yet completed keeps its claim, including those waiting their turn.
        var held = new HashSet<PendingOutboxMessage>(batch);
        using var dispatching = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token);
        var renewing = RenewWhileHeldAsync(held, lease, dispatching.Token);
        try
        {
            foreach (var pending in batch)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    await ReleaseAsync(held);
                    return batch.Count;
                }

                try
                {
                    await DispatchAsync(pending, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    lock (held)
                    {
                        held.Remove(pending);
                    }

                    await ReleaseAsync(held);
                    throw;
                }

                lock (held)
                {
                    held.Remove(pending);
                }
            }
        }
        finally
        {
            await dispatching.CancelAsync();
            await renewing;
        }

        return batch.Count;
    }

    private async Task DispatchAsync(PendingOutboxMessage pending, CancellationToken stoppingToken)
    {
        // A new trace per delivery, linked to the request that committed the change.
        ActivityLink[]? links = ActivityContext.TryParse(pending.Message.TraceParent, null, out var origin) ? [new ActivityLink(origin)] : null;
        using var activity = FeedTelemetry.Source.StartActivity($"outbox deliver {pending.Message.Type}", ActivityKind.Consumer, default(ActivityContext), links: links);
        activity?.SetTag("feed.outbox.attempt", pending.Attempts);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var publisher = scope.ServiceProvider.GetRequiredService<IPublisher>();
            await publisher.Publish(types.Unwrap(pending.Message), _deadline.Token);
            await store.CompleteAsync(pending.Message.MessageId, _deadline.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped in hand (what it finished is recorded): the next dispatcher takes it over at once, not after the lease.
            if (!_deadline.IsCancellationRequested)
            {
                LogStoppedInHand(logger, pending.Message.Type, pending.Message.MessageId);
                await store.RetryLaterAsync(pending.Message.MessageId, time.GetUtcNow(), "stopped by a shutdown", _deadline.Token);
            }

            throw;
        }
#pragma warning disable CA1031 // Any handler failure means "try again later", never "drop the message".
        catch (Exception exception)
#pragma warning restore CA1031
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            var retryOn = time.GetUtcNow() + Backoff(pending.Attempts);
            LogDispatchFailed(logger, exception, pending.Message.Type, pending.Message.MessageId, pending.Attempts, retryOn);
            await store.RetryLaterAsync(pending.Message.MessageId, retryOn, exception.Message, _deadline.Token);
        }
    }

    /// <summary>Gives back the claimed messages not yet begun, due now, so that the next dispatcher need not wait for their lease.</summary>
    private async Task ReleaseAsync(HashSet<PendingOutboxMessage> held)
    {
        PendingOutboxMessage[] current;
        lock (held)
        {
            current = [.. held];
        }

        foreach (var pending in current)
        {
            await store.RetryLaterAsync(pending.Message.MessageId, time.GetUtcNow(), "released by a shutdown", _deadline.Token);
        }
    }

    /// <summary>Renews the claims in <paramref name="held"/> every third of the lease until cancelled.</summary>
    private async Task RenewWhileHeldAsync(HashSet<PendingOutboxMessage> held, TimeSpan lease, CancellationToken cancellationToken)
    {
        var every = options.Value.RenewEvery;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, time, cancellationToken);
                PendingOutboxMessage[] current;
                lock (held)
                {
                    current = [.. held];
                }

                await store.RenewAsync(current, lease, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed renewal is tried again; at worst the lease runs out and the message is delivered twice.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogRenewalFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {Type} {MessageId} failed on attempt {Attempts}; retrying at {RetryOn}")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, string type, Guid messageId, int attempts, DateTimeOffset retryOn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox message {Type} {MessageId} stopped by the shutdown with its progress recorded; released for the next dispatcher")]
    private static partial void LogStoppedInHand(ILogger logger, string type, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the outbox claims failed; retrying")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox store is unavailable; retrying")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);
}
