using Feed.SharedKernel.Paging;

namespace Feed.Timeline.InMemory;

/// <summary>
/// One partition's rows, sorted oldest first so that a new post (the common write) appends at the
/// end; reads walk it backwards to go newest first. Partitions are never removed, so a writer can
/// never add to a partition that a concurrent remover has just dropped.
/// </summary>
internal sealed class EntryPartition
{
    private static readonly Comparer<TimelineEntry> OldestFirst =
        Comparer<TimelineEntry>.Create(static (left, right) => right.Key.CompareTo(left.Key));

    private readonly Lock _gate = new();
    private readonly List<TimelineEntry> _entries = [];

    public void Add(TimelineEntry entry)
    {
        lock (_gate)
        {
            var index = _entries.BinarySearch(entry, OldestFirst);
            if (index < 0)
            {
                _entries.Insert(~index, entry);
            }
        }
    }

    public List<TimelineEntry> Read(SequenceKey? after, int limit)
    {
        lock (_gate)
        {
            // Newest first is backwards from the end; "strictly after the cursor" is strictly below its slot.
            var start = _entries.Count - 1;
            if (after is { } cursor)
            {
                var index = _entries.BinarySearch(new TimelineEntry(cursor, Guid.Empty), OldestFirst);
                start = index >= 0 ? index - 1 : ~index - 1;
            }

            var count = Math.Min(limit, start + 1);
            var page = new List<TimelineEntry>(Math.Max(count, 0));
            for (var i = start; i > start - count; i--)
            {
                page.Add(_entries[i]);
            }

            return page;
        }
    }

    public void Remove(Guid postId, SequenceKey? key)
    {
        lock (_gate)
        {
            if (key is { } known)
            {
                var index = _entries.BinarySearch(new TimelineEntry(known, Guid.Empty), OldestFirst);
                if (index >= 0)
                {
                    _entries.RemoveAt(index);
                    return;
                }
            }

            // The read model no longer knew the post's key (e.g. a repeated delete): look it up by id.
            _entries.RemoveAll(entry => entry.PostId == postId);
        }
    }

    public void RemoveKey(SequenceKey key)
    {
        lock (_gate)
        {
            var index = _entries.BinarySearch(new TimelineEntry(key, Guid.Empty), OldestFirst);
            if (index >= 0)
            {
                _entries.RemoveAt(index);
            }
        }
    }

    public void RemoveAuthor(Guid authorId)
    {
        lock (_gate)
        {
            _entries.RemoveAll(entry => entry.AuthorId == authorId);
        }
    }
}
