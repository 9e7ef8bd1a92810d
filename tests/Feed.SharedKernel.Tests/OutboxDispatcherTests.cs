using System.Collections.Concurrent;
using Feed.SharedKernel.Outbox;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.SharedKernel.Tests;

public sealed record SomethingHappened(Guid Id) : INotification;

/// <summary>The dispatcher delivers every committed message at least once, retrying failures with backoff.</summary>
public sealed class OutboxDispatcherTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_whose_handler_fails_is_retried_until_it_is_delivered()
    {
        var publisher = new FlakyPublisher(failuresPerMessage: 2);
        await using var provider = Build(publisher);
        var dispatcher = provider.GetRequiredService<OutboxDispatcher>();
        await dispatcher.StartAsync(Ct);
        var types = provider.GetRequiredService<OutboxMessageTypes>();
        var outbox = provider.GetRequiredService<InMemoryOutbox>();
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();

        foreach (var id in ids)
        {
            outbox.Enqueue(types.Wrap(new SomethingHappened(id), Guid.CreateVersion7(), DateTimeOffset.UtcNow));
        }

        await dispatcher.WhenIdleAsync(TimeSpan.FromSeconds(20), Ct);
        await dispatcher.StopAsync(Ct);

        Assert.Equal(ids.Order(), publisher.Delivered.Order());
        Assert.All(ids, id => Assert.Equal(3, publisher.Attempts[id]));
    }

    [Fact]
    public async Task A_message_handled_for_longer_than_the_lease_keeps_its_claim_and_is_delivered_once()
    {
        // Two dispatchers (two service instances) on one outbox; the handler outlasts the lease
        // more than twice over, so without renewal the idle dispatcher would take the message over.
#pragma warning disable CA2000 // The signal lives as long as the test.
        var outbox = new InMemoryOutbox(TimeProvider.System, new OutboxSignal());
#pragma warning restore CA2000
        var publisher = new SlowPublisher(TimeSpan.FromSeconds(5));
        await using var first = Build(publisher, outbox, lease: "00:00:02");
        await using var second = Build(publisher, outbox, lease: "00:00:02");
        var dispatchers = new[] { first, second }.Select(provider => provider.GetRequiredService<OutboxDispatcher>()).ToList();
        foreach (var dispatcher in dispatchers)
        {
            await dispatcher.StartAsync(Ct);
        }

        var id = Guid.NewGuid();
        outbox.Enqueue(first.GetRequiredService<OutboxMessageTypes>().Wrap(new SomethingHappened(id), Guid.CreateVersion7(), DateTimeOffset.UtcNow));
        await dispatchers[0].WhenIdleAsync(TimeSpan.FromSeconds(60), Ct);
        foreach (var dispatcher in dispatchers)
        {
            await dispatcher.StopAsync(Ct);
        }

        Assert.Equal([id], publisher.Started);
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

    private static ServiceProvider Build(FlakyPublisher publisher)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddSingleton<IPublisher>(publisher);
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

    /// <summary>A publisher whose handler takes a long time, recording each delivery it starts.</summary>
    private sealed class SlowPublisher(TimeSpan duration) : IPublisher
    {
        public ConcurrentQueue<Guid> Started { get; } = new();

        public ValueTask Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default)
            where TNotification : INotification => Publish((object)notification, cancellationToken);

        public async ValueTask Publish(object notification, CancellationToken cancellationToken = default)
        {
            Started.Enqueue(((SomethingHappened)notification).Id);
            await Task.Delay(duration, cancellationToken);
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
