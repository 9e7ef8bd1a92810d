using Feed.Timeline.InMemory;

namespace Feed.Timeline.Tests;

public sealed class InMemoryTimelineStoreTests : TimelineStoreContract
{
    private protected override ITimelineStore CreateStore() => new InMemoryTimelineStore();
}
