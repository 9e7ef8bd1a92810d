using System.Collections.Concurrent;
using Feed.SharedKernel.Paging;

namespace Feed.Timeline.InMemory;

/// <summary>
/// The timeline rows in process memory; safe for concurrent requests. Fan-out's activity filter asks
/// the reader store of the same process.
/// </summary>
internal sealed class InMemoryTimelineRowStore(InMemoryTimelineReaderStore readers) : ITimelineRowStore
{
    private readonly ConcurrentDictionary<Guid, EntryPartition> _timelines = new();

    public ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        foreach (var userId in userIds)
        {
            _timelines.GetOrAdd(userId, static _ => new EntryPartition()).Add(entry);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<TimelineEntry> rows = _timelines.TryGetValue(userId, out var partition) ? partition.Read(after, limit) : [];
        return ValueTask.FromResult(rows);
    }

    public ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        var partition = _timelines.GetOrAdd(userId, static _ => new EntryPartition());
        foreach (var entry in entries)
        {
            partition.Add(entry);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        foreach (var userId in userIds)
        {
            if (_timelines.TryGetValue(userId, out var partition))
            {
                partition.RemoveKey(entry.Key);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken)
    {
        if (_timelines.TryGetValue(userId, out var partition))
        {
            partition.RemoveAuthor(authorId);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(
        IReadOnlyCollection<Guid> userIds,
        TimelineEntry entry,
        DateTimeOffset readSince,
        CancellationToken cancellationToken)
    {
        var active = await readers.GetActiveReadersAsync(userIds, readSince, cancellationToken);
        await AddTimelineRowsAsync(active, entry, cancellationToken);
        return active;
    }
}
