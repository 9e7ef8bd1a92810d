namespace Feed.SharedKernel.Paging;

/// <summary>
/// The sort key of every newest-first list in Feed: created_on descending, then id descending.
/// <see cref="CompareTo"/> orders keys in page order, so a smaller key comes earlier on a page.
/// </summary>
public readonly record struct SequenceKey(DateTimeOffset At, Guid Id) : IComparable<SequenceKey>
{
    public int CompareTo(SequenceKey other)
    {
        var byTime = other.At.CompareTo(At);
        return byTime != 0 ? byTime : other.Id.CompareTo(Id);
    }

    /// <summary>True when this key comes strictly after the cursor in page order.</summary>
    public bool IsAfter(Cursor cursor) => CompareTo(new SequenceKey(cursor.At, cursor.Id)) > 0;

    public Cursor ToCursor() => new(At, Id);

    public static SequenceKey From(Cursor cursor) => new(cursor.At, cursor.Id);

    public static bool operator <(SequenceKey left, SequenceKey right) => left.CompareTo(right) < 0;

    public static bool operator >(SequenceKey left, SequenceKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(SequenceKey left, SequenceKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SequenceKey left, SequenceKey right) => left.CompareTo(right) >= 0;
}
