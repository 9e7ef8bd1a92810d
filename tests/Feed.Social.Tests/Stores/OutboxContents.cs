using Feed.SharedKernel.Outbox;

namespace Feed.Social.Tests.Stores;

internal static class OutboxContents
{
    /// <summary>
    /// Every message the in-memory outbox holds, in the order it was enqueued. Claims with a zero
    /// lease, so the messages stay claimable and reading twice sees them again.
    /// </summary>
    public static async Task<IReadOnlyList<OutboxMessage>> PendingAsync(this InMemoryOutbox outbox)
    {
        var claimed = await outbox.ClaimDueAsync(int.MaxValue, TimeSpan.Zero, CancellationToken.None);
        return [.. claimed.Select(pending => pending.Message)];
    }
}
