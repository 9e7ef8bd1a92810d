using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.StoreContracts;

public sealed class InMemoryTimelinePostStoreTests : TimelinePostStoreContract
{
    private protected override TimelineStores CreateStores() => TimelineStores.InMemory();
}

public sealed class InMemoryTimelineRowStoreTests : TimelineRowStoreContract
{
    private protected override TimelineStores CreateStores() => TimelineStores.InMemory();
}

public sealed class InMemoryTimelineReaderStoreTests : TimelineReaderStoreContract
{
    private protected override TimelineStores CreateStores() => TimelineStores.InMemory();
}

public sealed class InMemoryFanOutProgressStoreTests : FanOutProgressStoreContract
{
    private protected override TimelineStores CreateStores() => TimelineStores.InMemory();
}
