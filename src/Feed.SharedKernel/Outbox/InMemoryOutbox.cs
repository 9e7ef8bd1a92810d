namespace Feed.SharedKernel.Outbox;

/// <summary>The outbox of the in-memory stores: same claim, lease and retry rules as PostgreSQL.</summary>
public sealed class InMemoryOutbox(TimeProvider time, OutboxSignal signal) : IOutboxStore
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _pending = [];

    public void Enqueue(OutboxMessage message)
    {
        lock (_gate)
        {
            _pending.Add(new Entry(message) { DueOn = message.CreatedOn });
        }

        signal.Wake();
    }

    public ValueTask<IReadOnlyList<PendingOutboxMessage>> ClaimDueAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var claimed = new List<PendingOutboxMessage>();
            // Oldest due first, like the PostgreSQL outbox.
            foreach (var entry in _pending.OrderBy(entry => entry.DueOn).ThenBy(entry => entry.Message.CreatedOn))
            {
                if (claimed.Count == max)
                {
                    break;
                }

                if (entry.DueOn <= now && entry.LockedUntil <= now)
                {
                    entry.LockedUntil = now + lease;
                    entry.Attempts++;
                    claimed.Add(new PendingOutboxMessage(entry.Message, entry.Attempts));
                }
            }

            return ValueTask.FromResult<IReadOnlyList<PendingOutboxMessage>>(claimed);
        }
    }

    public ValueTask RenewAsync(IReadOnlyCollection<PendingOutboxMessage> messages, TimeSpan lease, CancellationToken cancellationToken)
    {
        var lockedUntil = time.GetUtcNow() + lease;
        lock (_gate)
        {
            foreach (var held in messages)
            {
                foreach (var entry in _pending.Where(entry => entry.Message.MessageId == held.Message.MessageId && entry.Attempts == held.Attempts))
                {
                    entry.LockedUntil = lockedUntil;
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(Guid messageId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _pending.RemoveAll(entry => entry.Message.MessageId == messageId);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RetryLaterAsync(Guid messageId, DateTimeOffset dueOn, string error, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var entry in _pending.Where(entry => entry.Message.MessageId == messageId))
            {
                entry.DueOn = dueOn;
                entry.LockedUntil = DateTimeOffset.MinValue;
                entry.LastError = error;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult((long)_pending.Count);
        }
    }

    public ValueTask<OutboxBacklog> MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new OutboxBacklog(_pending.Count, _pending.Count == 0 ? null : _pending.Min(entry => entry.Message.CreatedOn)));
        }
    }

    private sealed class Entry(OutboxMessage message)
    {
        public OutboxMessage Message { get; } = message;

        public DateTimeOffset DueOn { get; set; }

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;

        public int Attempts { get; set; }

        public string? LastError { get; set; }
    }
}
