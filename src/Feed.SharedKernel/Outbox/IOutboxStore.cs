namespace Feed.SharedKernel.Outbox;

/// <summary>
/// Where pending outbox messages wait. Stores write messages in their own transaction (the
/// PostgreSQL adapters with <see cref="PostgresOutbox.InsertAsync"/>, the in-memory ones with
/// <see cref="InMemoryOutbox.Enqueue"/>); the dispatcher claims, completes or retries them.
/// </summary>
public interface IOutboxStore
{
    /// <summary>
    /// Claims up to <paramref name="max"/> due messages, oldest first, for <paramref name="lease"/>:
    /// a dispatcher that dies holding them releases them when the lease runs out.
    /// </summary>
    ValueTask<IReadOnlyList<PendingOutboxMessage>> ClaimDueAsync(int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the claims on <paramref name="messages"/> to <paramref name="lease"/> from now, but only
    /// for claims still held by this attempt (a message taken over after its lease ran out is left alone).
    /// </summary>
    ValueTask RenewAsync(IReadOnlyCollection<PendingOutboxMessage> messages, TimeSpan lease, CancellationToken cancellationToken);

    ValueTask CompleteAsync(Guid messageId, CancellationToken cancellationToken);

    ValueTask RetryLaterAsync(Guid messageId, DateTimeOffset dueOn, string error, CancellationToken cancellationToken);

    /// <summary>Messages not yet dispatched (claimed or not).</summary>
    ValueTask<long> CountPendingAsync(CancellationToken cancellationToken);

    /// <summary>Messages not yet dispatched and the creation time of the oldest of them (the fan-out lag).</summary>
    ValueTask<OutboxBacklog> MeasureBacklogAsync(CancellationToken cancellationToken);
}
