using Feed.Social.InMemory;
using Feed.Social.Posts;

namespace Feed.Social.Tests.Stores;

public sealed class InMemoryPostStoreTests : PostStoreContract
{
    private protected override IPostStore CreateStore() => new InMemoryPostStore();
}
