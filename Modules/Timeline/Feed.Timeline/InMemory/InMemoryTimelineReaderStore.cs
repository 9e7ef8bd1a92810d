using Feed.Timeline.ReaderLifecycle;

namespace Feed.Timeline.InMemory;

/// <summary>Timeline read activity and rebuild marks in process memory; safe for concurrent requests.</summary>
internal sealed class InMemoryTimelineReaderStore : ITimelineReaderStore
{
    private readonly Lock _readersGate = new();
    private readonly Dictionary<Guid, TimelineReader> _readers = [];

    public ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken)
    {
        lock (_readersGate)
        {
            return ValueTask.FromResult(_readers.GetValueOrDefault(userId));
        }
    }

    public ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken)
    {
        lock (_readersGate)
        {
            _readers[userId] = _readers.TryGetValue(userId, out var reader)
                ? new TimelineReader(Later(reader.LastReadOn, readOn), readOn)
                : new TimelineReader(readOn, readOn);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken)
    {
        lock (_readersGate)
        {
            if (_readers.TryGetValue(userId, out var reader))
            {
                _readers[userId] = reader with { LastReadOn = Later(reader.LastReadOn, readOn) };
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken)
    {
        lock (_readersGate)
        {
            if (_readers.TryGetValue(userId, out var reader) && reader.RebuildStartedOn == startedOn)
            {
                _readers[userId] = reader with { RebuildStartedOn = null };
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken)
    {
        var active = new List<Guid>(userIds.Count);
        lock (_readersGate)
        {
            foreach (var userId in userIds.Distinct())
            {
                if (_readers.TryGetValue(userId, out var reader) && reader.LastReadOn >= readSince)
                {
                    active.Add(userId);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyCollection<Guid>>(active);
    }

    private static DateTimeOffset Later(DateTimeOffset left, DateTimeOffset right) => left >= right ? left : right;
}
