using System.Diagnostics;
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
/// </summary>
public sealed partial class OutboxDispatcher(
    IOutboxStore store,
    OutboxMessageTypes types,
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
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
        using var dispatching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = RenewWhileHeldAsync(held, lease, dispatching.Token);
        try
        {
            foreach (var pending in batch)
            {
                await DispatchAsync(pending, stoppingToken);
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
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var publisher = scope.ServiceProvider.GetRequiredService<IPublisher>();
            await publisher.Publish(types.Unwrap(pending.Message), stoppingToken);
            await store.CompleteAsync(pending.Message.MessageId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any handler failure means "try again later", never "drop the message".
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var retryOn = time.GetUtcNow() + Backoff(pending.Attempts);
            LogDispatchFailed(logger, exception, pending.Message.Type, pending.Message.MessageId, pending.Attempts, retryOn);
            await store.RetryLaterAsync(pending.Message.MessageId, retryOn, exception.Message, stoppingToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the outbox claims failed; retrying")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox store is unavailable; retrying")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);
}
