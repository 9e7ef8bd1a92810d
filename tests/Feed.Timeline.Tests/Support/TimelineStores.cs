using Feed.Timeline.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.Timeline.Tests.Support;

/// <summary>One adapter of each Timeline store port, of one technology: what a test world or a contract suite works on.</summary>
internal sealed record TimelineStores(ITimelinePostStore Posts, ITimelineRowStore Rows, ITimelineReaderStore Readers, IFanOutProgressStore FanOutProgress)
{
    /// <summary>The in-memory adapters, wired as registration wires them (the rows' activity filter reads the same readers).</summary>
    public static TimelineStores InMemory()
    {
        var readers = new InMemoryTimelineReaderStore();
        return new(new InMemoryTimelinePostStore(), new InMemoryTimelineRowStore(readers), readers, new InMemoryFanOutProgressStore());
    }

    /// <summary>The adapters a configured service provider chose.</summary>
    public static TimelineStores From(IServiceProvider services) => new(
        services.GetRequiredService<ITimelinePostStore>(),
        services.GetRequiredService<ITimelineRowStore>(),
        services.GetRequiredService<ITimelineReaderStore>(),
        services.GetRequiredService<IFanOutProgressStore>());

    /// <summary>A test double that stands in for every port at once.</summary>
    public static TimelineStores All<TStore>(TStore store)
        where TStore : ITimelinePostStore, ITimelineRowStore, ITimelineReaderStore, IFanOutProgressStore =>
        new(store, store, store, store);
}
