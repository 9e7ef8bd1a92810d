using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Storage;
using Feed.Users.InMemory;

namespace Feed.Users.Tests.Store;

public sealed class InMemoryUserStoreTests : UserStoreContract
{
    private InMemoryOutbox _outbox = NewOutbox();

    private static InMemoryOutbox NewOutbox() => new(TimeProvider.System, new OutboxSignal());

    private protected override ValueTask<IUserStore> CreateStoreAsync()
    {
        _outbox = NewOutbox();
        return ValueTask.FromResult<IUserStore>(new InMemoryUserStore(new InMemoryRegisteredUsers(), _outbox));
    }

    private protected override async ValueTask<IReadOnlyList<OutboxMessage>> StoredAnnouncementsAsync(IReadOnlyCollection<Guid> messageIds)
    {
        var pending = await _outbox.ClaimDueAsync(int.MaxValue, TimeSpan.FromMinutes(1), CancellationToken.None);
        return [.. pending.Select(claimed => claimed.Message).Where(message => messageIds.Contains(message.MessageId))];
    }

    [Fact]
    public async Task A_new_user_is_registered_for_the_other_modules_stores_and_a_refused_one_is_not()
    {
        var registered = new InMemoryRegisteredUsers();
        var store = new InMemoryUserStore(registered, NewOutbox());
        var user = UserFactory.NewUser();
        var clash = UserFactory.NewUser(username: user.Username);

        await store.AddAsync(user, CancellationToken.None);
        await store.AddAsync(clash, CancellationToken.None);

        registered.Require(user.UserId);
        Assert.Throws<NotFoundException>(() => registered.Require(clash.UserId));
    }
}
