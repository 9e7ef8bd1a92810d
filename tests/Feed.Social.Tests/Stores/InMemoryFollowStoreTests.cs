using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;
using Feed.Social.Follows;
using Feed.Social.InMemory;

namespace Feed.Social.Tests.Stores;

public sealed class InMemoryFollowStoreTests : FollowStoreContract, IDisposable
{
    private readonly OutboxSignal _signal = new();
    private readonly InMemoryOutbox _outbox;
    private readonly InMemoryRegisteredUsers _users = new();

    public InMemoryFollowStoreTests() => _outbox = new InMemoryOutbox(TimeProvider.System, _signal);

    private protected override IFollowStore CreateStore() => new InMemoryFollowStore(_outbox, _users);

    private protected override void Register(Guid userId) => _users.Add(userId);

    private protected override async ValueTask<OutboxMessage?> FindAnnouncementAsync(Guid messageId) =>
        (await _outbox.PendingAsync()).SingleOrDefault(message => message.MessageId == messageId);

    public void Dispose() => _signal.Dispose();
}
