using System.Diagnostics;
using System.Text.Json;
using Mediator;

namespace Feed.SharedKernel.Outbox;

/// <summary>
/// A notification saved in the same transaction as the change it announces, and published after
/// commit by <see cref="OutboxDispatcher"/>, at least once, retried until its handlers succeed.
/// <paramref name="TraceParent"/> is the W3C trace context of the request that made the change, so
/// the delivery's spans link back to it although they run later, in another trace.
/// </summary>
public sealed record OutboxMessage(Guid MessageId, string Type, string Payload, DateTimeOffset CreatedOn, string? TraceParent = null);

/// <summary>What waits in the outbox: messages not yet handled, and when the oldest of them was committed.</summary>
public sealed record OutboxBacklog(long Pending, DateTimeOffset? OldestCreatedOn);

/// <summary>A message waiting for (another) dispatch attempt.</summary>
public sealed record PendingOutboxMessage(OutboxMessage Message, int Attempts);

/// <summary>The notification types that travel through the outbox, by stable name (never the CLR name, which moves).</summary>
public sealed class OutboxMessageTypes
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byType = [];

    internal void Register(Type type, string name)
    {
        if (_byName.TryGetValue(name, out var existing) && existing != type)
        {
            throw new InvalidOperationException($"Outbox message name '{name}' is taken by {existing}.");
        }

        _byName[name] = type;
        _byType[type] = name;
    }

    public OutboxMessage Wrap(INotification notification, Guid messageId, DateTimeOffset createdOn)
    {
        var type = notification.GetType();
        if (!_byType.TryGetValue(type, out var name))
        {
            throw new InvalidOperationException($"{type} is not registered as an outbox message (AddOutboxMessage).");
        }

        return new OutboxMessage(messageId, name, JsonSerializer.Serialize(notification, type, Json), createdOn, Activity.Current?.Id);
    }

    public INotification Unwrap(OutboxMessage message) =>
        _byName.TryGetValue(message.Type, out var type)
            ? (INotification)(JsonSerializer.Deserialize(message.Payload, type, Json)
                ?? throw new InvalidOperationException($"Outbox message {message.MessageId} has an empty payload."))
            : throw new InvalidOperationException($"Outbox message type '{message.Type}' is not registered.");
}
