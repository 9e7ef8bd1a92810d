using Feed.SharedKernel.Paging;

namespace Feed.Social.InMemory;

/// <summary>
/// One partition of a newest-first table: rows keyed by id, ordered by (timestamp desc, id desc)
/// like a clustering key. Not thread-safe; the owning store guards it.
/// </summary>
internal sealed class NewestFirstPartition<T>
{
    // The last key in page order: every real key sorts before it, so a range read can end here.
    private static readonly SequenceKey End = new(DateTimeOffset.MinValue, Guid.Empty);

    private readonly Dictionary<Guid, (DateTimeOffset At, T Row)> _rows = [];
    private readonly SortedSet<SequenceKey> _order = [];

    public int Count => _rows.Count;

    public bool Contains(Guid id) => _rows.ContainsKey(id);

    /// <summary>Adds the row unless its id is present; returns whether it was added.</summary>
    public bool TryAdd(Guid id, DateTimeOffset at, T row)
    {
        if (!_rows.TryAdd(id, (at, row)))
        {
            return false;
        }

        _order.Add(new SequenceKey(at, id));
        return true;
    }

    public bool TryRemove(Guid id, out T row)
    {
        if (!_rows.Remove(id, out var entry))
        {
            row = default!;
            return false;
        }

        _order.Remove(new SequenceKey(entry.At, id));
        row = entry.Row;
        return true;
    }

    /// <summary>Up to <paramref name="limit"/> rows in page order, strictly after the cursor when one is given.</summary>
    public T[] ReadAfter(Cursor? after, int limit)
    {
        IEnumerable<SequenceKey> keys = _order;
        if (after is { } cursor)
        {
            var from = SequenceKey.From(cursor);
            keys = _order.GetViewBetween(from, End).SkipWhile(key => key == from);
        }

        return keys.Take(limit).Select(key => _rows[key.Id].Row).ToArray();
    }

    public T[] ReadAll() => _order.Select(key => _rows[key.Id].Row).ToArray();
}
