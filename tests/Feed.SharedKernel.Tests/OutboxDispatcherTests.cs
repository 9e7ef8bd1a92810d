using System.Collections.Concurrent;
using System.Globalization;
using Feed.SharedKernel.Outbox;
using Feed.Testing;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Feed.SharedKernel.Tests;

public sealed record SomethingHappened(Guid Id) : INotification;

/// <summary>
/// The dispatcher delivers every committed message at least once, retrying failures with backoff.
/// Backoffs and leases run on a fake clock the tests move, so nothing here waits for real time to
/// pass; waits for background delivery end after <see cref="Patience"/>.
/// </summary>
public sealed class OutboxDispatcherTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_whose_handler_fails_is_retried_until_it_is_delivered()
    {
        // Each reading of the clock moves it two minutes on, past every backoff so far (100 ms, 200 ms).
        var clock = new FakeTimeProvider(Start) { AutoAdvanceAmount = TimeSpan.FromMinutes(2) };
        var publisher = new FlakyPublisher(failuresPerMessage: 2);
        await using var provider = Build(publisher, clock);
        var dispatcher = provider.GetRequiredService<OutboxDispatcher>();
        await dispatcher.StartAsync(Ct);
        var types = provider.GetRequiredService<OutboxMessageTypes>();
        var outbox = provider.GetRequiredService<InMemoryOutbox>();
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();

        foreach (var id in ids)
        {
            outbox.Enqueue(types.Wrap(new SomethingHappened(id), Guid.CreateVersion7(), clock.GetUtcNow()));
        }

        await dispatcher.WhenIdleAsync(Patience.Timeout, Ct);
        await dispatcher.StopAsync(Ct);

        Assert.Equal(ids.Order(), publisher.Delivered.Order());
        Assert.All(ids, id => Assert.Equal(3, publisher.Attempts[id]));
    }

    [Fact]
    public async Task Waiting_for_an_outbox_that_never_empties_times_out_even_when_the_clock_stands_still()
    {
        // The clock never moves, so the failed message's retry never falls due: the outbox stays stuck.
        var clock = new FakeTimeProvider(Start);
        var publisher = new FlakyPublisher(failuresPerMessage: int.MaxValue);
        await using var provider = Build(publisher, clock);
        var dispatcher = provider.GetRequiredService<OutboxDispatcher>();
        await dispatcher.StartAsync(Ct);
        var id = Guid.NewGuid();
        provider.GetRequiredService<InMemoryOutbox>().Enqueue(
            provider.GetRequiredService<OutboxMessageTypes>().Wrap(new SomethingHappened(id), Guid.CreateVersion7(), clock.GetUtcNow()));
        await Patience.UntilAsync(() => Task.FromResult(publisher.Attempts.ContainsKey(id)), "the first attempt", Ct);

        // A wait measured on the standing clock would never end; this one gives up after 200 ms of real time.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        patience.CancelAfter(Patience.Timeout);
        await Assert.ThrowsAsync<TimeoutException>(() => dispatcher.WhenIdleAsync(TimeSpan.FromMilliseconds(200), patience.Token));
        await dispatcher.StopAsync(Ct);

        Assert.Equal(1, publisher.Attempts[id]);
        Assert.Empty(publisher.Delivered);
    }

    [Fact]
    public async Task A_message_handled_for_longer_than_the_lease_keeps_its_claim_and_is_delivered_once()
    {
        // Two dispatchers (two service instances) on one outbox and one clock. The handler holds the
        // message while the clock moves three leases on, a tenth of a lease at a time, and the idle
        // dispatcher tries to claim after every step: without renewal it would take the message over.
        var clock = new FakeTimeProvider(Start);
        var lease = TimeSpan.FromSeconds(3);
#pragma warning disable CA2000 // The signal lives as long as the test.
        var outbox = new InMemoryOutbox(clock, new OutboxSignal());
#pragma warning restore CA2000
        var publisher = new HeldPublisher();
        var observed = new[] { new ObservedOutbox(outbox), new ObservedOutbox(outbox) };
        await using var first = Build(publisher, clock, observed[0], lease);
        await using var second = Build(publisher, clock, observed[1], lease);
        var providers = new[] { first, second };
        foreach (var provider in providers)
        {
            await provider.GetRequiredService<OutboxDispatcher>().StartAsync(Ct);
        }

        var id = Guid.NewGuid();
        outbox.Enqueue(first.GetRequiredService<OutboxMessageTypes>().Wrap(new SomethingHappened(id), Guid.CreateVersion7(), clock.GetUtcNow()));
        await Patience.UntilAsync(() => Task.FromResult(!publisher.Started.IsEmpty), "the handler to start", Ct);
        var holder = observed[0].Claimed > 0 ? 0 : 1;
        var idle = 1 - holder;
        var idleSignal = providers[idle].GetRequiredService<OutboxSignal>();

        for (var step = 0; step < 30; step++)
        {
            clock.Advance(lease / 10);
            // Two claim rounds after the step: at least one of them read the clock after it moved.
            var claims = observed[idle].ClaimRounds;
            await Patience.UntilAsync(
                () =>
                {
                    idleSignal.Wake();
                    return Task.FromResult(observed[idle].ClaimRounds >= claims + 2 || observed[idle].Claimed > 0);
                },
                "the idle dispatcher to try a claim",
                Ct);
            Assert.True(observed[idle].Claimed == 0, $"The idle dispatcher took the message over {(step + 1) * 10}% of a lease after it was claimed.");
        }

        Assert.Equal([id], publisher.Started);
        Assert.True(observed[holder].Renewals >= 5, $"{observed[holder].Renewals} renewals in three leases");

        publisher.Release();
        await providers[holder].GetRequiredService<OutboxDispatcher>().WhenIdleAsync(Patience.Timeout, Ct);
        foreach (var provider in providers)
        {
            await provider.GetRequiredService<OutboxDispatcher>().StopAsync(Ct);
        }

        Assert.Equal([id], publisher.Started);
    }

    [Fact]
    public async Task Stopping_lets_the_delivery_in_hand_finish_and_complete_before_the_shutdown_timeout()
    {
        var clock = new FakeTimeProvider(Start);
        var publisher = new HeldPublisher();
        await using var provider = Build(publisher, clock);
        var dispatcher = provider.GetRequiredService<OutboxDispatcher>();
        await dispatcher.StartAsync(Ct);
        Assert.True(dispatcher.IsRunning);
        var outbox = provider.GetRequiredService<InMemoryOutbox>();
        outbox.Enqueue(provider.GetRequiredService<OutboxMessageTypes>().Wrap(new SomethingHappened(Guid.NewGuid()), Guid.CreateVersion7(), clock.GetUtcNow()));
        await Patience.UntilAsync(() => Task.FromResult(!publisher.Started.IsEmpty), "the handler to start", Ct);

        // The host stops with time left: the handler's token stays uncancelled until that time runs out.
        var stopping = dispatcher.StopAsync(Ct);
        Assert.False(stopping.IsCompleted);
        Assert.False(publisher.HandlerToken.IsCancellationRequested);
        publisher.Release();
        await stopping;

        Assert.False(dispatcher.IsRunning);
        Assert.Equal(0, await outbox.CountPendingAsync(Ct));
    }

    [Fact]
    public async Task When_the_shutdown_timeout_runs_out_the_delivery_in_hand_is_cancelled_and_stays_in_the_outbox()
    {
        var clock = new FakeTimeProvider(Start);
        var publisher = new HeldPublisher();
        await using var provider = Build(publisher, clock);
        var dispatcher = provider.GetRequiredService<OutboxDispatcher>();
        await dispatcher.StartAsync(Ct);
        var outbox = provider.GetRequiredService<InMemoryOutbox>();
        outbox.Enqueue(provider.GetRequiredService<OutboxMessageTypes>().Wrap(new SomethingHappened(Guid.NewGuid()), Guid.CreateVersion7(), clock.GetUtcNow()));
        await Patience.UntilAsync(() => Task.FromResult(!publisher.Started.IsEmpty), "the handler to start", Ct);

        using var timeout = new CancellationTokenSource();
        var stopping = dispatcher.StopAsync(timeout.Token);
        await timeout.CancelAsync();
        await stopping;

        Assert.True(publisher.HandlerToken.IsCancellationRequested);
        Assert.Equal(1, await outbox.CountPendingAsync(Ct));
    }

    [Fact]
    public void A_lease_outside_its_range_stops_start_up()
    {
        using var signal = new OutboxSignal();
        using var provider = Build(new FlakyPublisher(0), new InMemoryOutbox(TimeProvider.System, signal), lease: "00:00:00.5");

        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<OutboxOptions>>().Value);
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(30, 60_000)]
    public void Backoff_doubles_from_100_ms_up_to_a_minute(int attempts, int expectedMillis) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMillis), OutboxDispatcher.Backoff(attempts));

    [Fact]
    public void An_unregistered_notification_cannot_enter_the_outbox()
    {
        var types = new ServiceCollection().AddLogging().AddFeedOutbox(new ConfigurationBuilder().Build())
            .AddSingleton(TimeProvider.System)
            .BuildServiceProvider().GetRequiredService<OutboxMessageTypes>();

        Assert.Throws<InvalidOperationException>(() => types.Wrap(new SomethingHappened(Guid.NewGuid()), Guid.NewGuid(), DateTimeOffset.UtcNow));
    }

    private static ServiceProvider Build(IPublisher publisher, TimeProvider clock)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(clock).AddSingleton(publisher);
        services.AddFeedOutbox(new ConfigurationBuilder().Build()).AddOutboxMessage<SomethingHappened>("test.something_happened");
        return services.BuildServiceProvider();
    }

    private static ServiceProvider Build(IPublisher publisher, InMemoryOutbox outbox, string lease)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Feed:Outbox:Lease"] = lease })
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddSingleton(publisher).AddSingleton(outbox);
        services.AddFeedOutbox(configuration).AddOutboxMessage<SomethingHappened>("test.something_happened");
        return services.BuildServiceProvider();
    }

    private static ServiceProvider Build(IPublisher publisher, TimeProvider clock, IOutboxStore outbox, TimeSpan lease)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Feed:Outbox:Lease"] = lease.ToString("c", CultureInfo.InvariantCulture) })
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(clock).AddSingleton(publisher).AddSingleton(outbox);
        services.AddFeedOutbox(configuration).AddOutboxMessage<SomethingHappened>("test.something_happened");
        return services.BuildServiceProvider();
    }

    /// <summary>One dispatcher's view of a shared outbox: counts its claim rounds, the messages it claimed and its renewals.</summary>
    private sealed class ObservedOutbox(IOutboxStore inner) : IOutboxStore
    {
        private int _claimRounds;
        private int _claimed;
        private int _renewals;

        public int ClaimRounds => Volatile.Read(ref _claimRounds);

        public int Claimed => Volatile.Read(ref _claimed);

        public int Renewals => Volatile.Read(ref _renewals);

        public async ValueTask<IReadOnlyList<PendingOutboxMessage>> ClaimDueAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
        {
            var claimed = await inner.ClaimDueAsync(max, lease, cancellationToken);
            Interlocked.Add(ref _claimed, claimed.Count);
            Interlocked.Increment(ref _claimRounds);
            return claimed;
        }

        public async ValueTask RenewAsync(IReadOnlyCollection<PendingOutboxMessage> messages, TimeSpan lease, CancellationToken cancellationToken)
        {
            await inner.RenewAsync(messages, lease, cancellationToken);
            Interlocked.Increment(ref _renewals);
        }

        public ValueTask CompleteAsync(Guid messageId, CancellationToken cancellationToken) => inner.CompleteAsync(messageId, cancellationToken);

        public ValueTask RetryLaterAsync(Guid messageId, DateTimeOffset dueOn, string error, CancellationToken cancellationToken) =>
            inner.RetryLaterAsync(messageId, dueOn, error, cancellationToken);

        public ValueTask<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

        public ValueTask<OutboxBacklog> MeasureBacklogAsync(CancellationToken cancellationToken) => inner.MeasureBacklogAsync(cancellationToken);
    }

    /// <summary>A publisher whose handler holds every message until released, recording each delivery it starts.</summary>
    private sealed class HeldPublisher : IPublisher
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<Guid> Started { get; } = new();

        /// <summary>The token the last handler was given.</summary>
        public CancellationToken HandlerToken { get; private set; }

        public void Release() => _released.TrySetResult();

        public ValueTask Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default)
            where TNotification : INotification => Publish((object)notification, cancellationToken);

        public async ValueTask Publish(object notification, CancellationToken cancellationToken = default)
        {
            HandlerToken = cancellationToken;
            Started.Enqueue(((SomethingHappened)notification).Id);
            await _released.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>A publisher whose handlers fail the first few times for each message.</summary>
    private sealed class FlakyPublisher(int failuresPerMessage) : IPublisher
    {
        public ConcurrentDictionary<Guid, int> Attempts { get; } = new();

        public ConcurrentBag<Guid> Delivered { get; } = [];

        public ValueTask Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default)
            where TNotification : INotification => Publish((object)notification, cancellationToken);

        public ValueTask Publish(object notification, CancellationToken cancellationToken = default)
        {
            var id = ((SomethingHappened)notification).Id;
            if (Attempts.AddOrUpdate(id, 1, (_, attempts) => attempts + 1) <= failuresPerMessage)
            {
                throw new InvalidOperationException("handler failed");
            }

            Delivered.Add(id);
            return ValueTask.CompletedTask;
        }
    }
}
