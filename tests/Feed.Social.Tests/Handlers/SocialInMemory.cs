using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;
using Feed.Social.Follows;
using Feed.Social.Posts;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.Social.Tests.Handlers;

/// <summary>
/// The Social module on its in-memory stores, registered as the host registers it (<c>AddFeedOutbox</c>
/// then <c>AddSocial</c>, no storage configured), on a clock the test sets by hand. Handler tests read
/// what was announced from the outbox the way the dispatcher does.
/// </summary>
internal sealed class SocialInMemory : IDisposable
{
    private readonly ServiceProvider _services;

    public SocialInMemory(TimeProvider clock)
    {
        var configuration = new ConfigurationBuilder().Build();
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(clock)
            .AddFeedOutbox(configuration)
            .AddSocial(configuration)
            .BuildServiceProvider();
    }

    public IPostStore Posts => _services.GetRequiredService<IPostStore>();

    public IFollowStore Follows => _services.GetRequiredService<IFollowStore>();

    public OutboxMessageTypes MessageTypes => _services.GetRequiredService<OutboxMessageTypes>();

    public InMemoryOutbox Outbox => _services.GetRequiredService<InMemoryOutbox>();

    /// <summary>The users the in-memory stores accept writes of (the Users module fills it in a host).</summary>
    public InMemoryRegisteredUsers RegisteredUsers => _services.GetRequiredService<InMemoryRegisteredUsers>();

    /// <summary>
    /// Takes every pending message out of the outbox, oldest first, as the dispatcher would deliver it
    /// (claimed, unwrapped, completed): what was announced since the last call.
    /// </summary>
    public async Task<IReadOnlyList<INotification>> TakeAnnouncedAsync()
    {
        var pending = await Outbox.ClaimDueAsync(int.MaxValue, TimeSpan.FromMinutes(1), CancellationToken.None);
        foreach (var message in pending)
        {
            await Outbox.CompleteAsync(message.Message.MessageId, CancellationToken.None);
        }

        return [.. pending.Select(message => MessageTypes.Unwrap(message.Message))];
    }

    /// <summary>The pending messages themselves, left in the outbox.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> PendingMessagesAsync()
    {
        var pending = await Outbox.ClaimDueAsync(int.MaxValue, TimeSpan.Zero, CancellationToken.None);
        return [.. pending.Select(message => message.Message)];
    }

    public void Dispose() => _services.Dispose();
}
