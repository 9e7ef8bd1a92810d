using Feed.Social.Follows;
using Feed.Social.InMemory;

namespace Feed.Social.Tests.Stores;

public sealed class InMemoryFollowStoreTests : FollowStoreContract
{
    private protected override IFollowStore CreateStore() => new InMemoryFollowStore();
}
