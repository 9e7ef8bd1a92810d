using Feed.SharedKernel.Outbox;

namespace Feed.SharedKernel.Tests;

/// <summary>The claim, lease, retry and completion rules every outbox store keeps.</summary>
public abstract class OutboxStoreContract
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected ManualClock Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>A store with nothing in it, and a way to add a committed message to it.</summary>
    protected abstract Task<(IOutboxStore Store, Func<OutboxMessage, Task> Commit)> CreateAsync();

    protected OutboxMessage Message(int offsetMillis = 0) =>
        new(Guid.CreateVersion7(), "test.message", "{\"value\":1}", Clock.GetUtcNow().AddMilliseconds(offsetMillis));

    [Fact]
    public async Task A_committed_message_is_claimed_once_until_its_lease_runs_out()
    {
        var (store, commit) = await CreateAsync();
        var message = Message();
        await commit(message);

        var first = Assert.Single(await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(message, first.Message);
        Assert.Equal(1, first.Attempts);
        Assert.Empty(await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct));

        Clock.Advance(TimeSpan.FromMinutes(2)); // the claimer died: the lease runs out
        var second = Assert.Single(await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(2, second.Attempts);
        Assert.Equal(1, await store.CountPendingAsync(Ct));
    }

    [Fact]
    public async Task A_renewed_claim_holds_past_its_first_lease_and_a_taken_over_one_is_not_renewed_by_its_old_holder()
    {
        var (store, commit) = await CreateAsync();
        var message = Message();
        await commit(message);
        var lease = TimeSpan.FromSeconds(6);
        var first = Assert.Single(await store.ClaimDueAsync(10, lease, Ct));

        Clock.Advance(TimeSpan.FromSeconds(4));
        await store.RenewAsync([first], lease, Ct);
        Clock.Advance(TimeSpan.FromSeconds(4)); // 8 s after the claim: held only because it was renewed
        Assert.Empty(await store.ClaimDueAsync(10, lease, Ct));

        Clock.Advance(TimeSpan.FromSeconds(3)); // the holder stopped renewing (it died): taken over
        var second = Assert.Single(await store.ClaimDueAsync(10, lease, Ct));
        Assert.Equal(2, second.Attempts);

        Clock.Advance(TimeSpan.FromSeconds(5));
        await store.RenewAsync([first], lease, Ct); // the old holder wakes up: its renewal changes nothing
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(3, Assert.Single(await store.ClaimDueAsync(10, lease, Ct)).Attempts);
    }

    [Fact]
    public async Task The_backlog_counts_every_unhandled_message_and_dates_the_oldest()
    {
        var (store, commit) = await CreateAsync();
        Assert.Equal(new OutboxBacklog(0, null), await store.MeasureBacklogAsync(Ct));

        var oldest = Message();
        var newer = Message(offsetMillis: 5);
        await commit(newer);
        await commit(oldest);
        Assert.Single(await store.ClaimDueAsync(1, TimeSpan.FromSeconds(5), Ct)); // claimed still counts

        var backlog = await store.MeasureBacklogAsync(Ct);
        Assert.Equal(2, backlog.Pending);
        Assert.Equal(oldest.CreatedOn, backlog.OldestCreatedOn);

        await store.CompleteAsync(oldest.MessageId, Ct);
        Assert.Equal(new OutboxBacklog(1, newer.CreatedOn), await store.MeasureBacklogAsync(Ct));
    }

    [Fact]
    public async Task A_completed_message_is_gone()
    {
        var (store, commit) = await CreateAsync();
        var message = Message();
        await commit(message);
        _ = await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct);

        await store.CompleteAsync(message.MessageId, Ct);

        Assert.Equal(0, await store.CountPendingAsync(Ct));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task A_message_to_retry_waits_until_it_is_due()
    {
        var (store, commit) = await CreateAsync();
        var message = Message();
        await commit(message);
        _ = await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct);

        await store.RetryLaterAsync(message.MessageId, Clock.GetUtcNow().AddSeconds(5), "handler failed", Ct);

        Assert.Empty(await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct));
        Clock.Advance(TimeSpan.FromSeconds(5));
        var retried = Assert.Single(await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(2, retried.Attempts);
    }

    [Fact]
    public async Task Claims_are_oldest_first_and_limited()
    {
        var (store, commit) = await CreateAsync();
        var messages = Enumerable.Range(0, 5).Select(i => Message(-i)).ToList();
        foreach (var message in messages)
        {
            await commit(message);
        }

        var claimed = await store.ClaimDueAsync(3, TimeSpan.FromMinutes(1), Ct);

        Assert.Equal(messages.OrderBy(m => m.CreatedOn).Take(3).Select(m => m.MessageId), claimed.Select(c => c.Message.MessageId));
        Assert.Equal(2, (await store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), Ct)).Count);
    }

    [Fact]
    public async Task Concurrent_claimers_never_take_the_same_message()
    {
        var (store, commit) = await CreateAsync();
        for (var i = 0; i < 40; i++)
        {
            await commit(Message(-i));
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await store.ClaimDueAsync(7, TimeSpan.FromMinutes(1), Ct), Ct)));

        var ids = claims.SelectMany(claim => claim.Select(c => c.Message.MessageId)).ToList();
        Assert.Equal(40, ids.Count);
        Assert.Equal(40, ids.Distinct().Count());
    }
}

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
