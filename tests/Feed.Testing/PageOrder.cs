namespace Feed.Testing;

/// <summary>
/// Page order (created_on descending, ties by id descending) worked out without <c>SequenceKey</c>,
/// the comparer of the code under test: an expectation sorted with that comparer would follow it
/// into any bug, a broken tie-break included.
/// </summary>
public static class PageOrder
{
    /// <summary>The items in page order.</summary>
    public static List<T> NewestFirst<T>(IEnumerable<T> items, Func<T, DateTimeOffset> at, Func<T, Guid> id) =>
        [.. items.OrderByDescending(at).ThenByDescending(id)];

    /// <summary>True when (<paramref name="earlierAt"/>, <paramref name="earlierId"/>) comes strictly before the other on a page.</summary>
    public static bool IsStrictlyBefore(DateTimeOffset earlierAt, Guid earlierId, DateTimeOffset laterAt, Guid laterId) =>
        earlierAt > laterAt || (earlierAt == laterAt && earlierId.CompareTo(laterId) > 0);

    /// <summary>The index of the first item that is not strictly after the one before it (out of order or repeated), or -1.</summary>
    public static int FirstOutOfOrder<T>(IReadOnlyList<T> items, Func<T, DateTimeOffset> at, Func<T, Guid> id)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (!IsStrictlyBefore(at(items[i - 1]), id(items[i - 1]), at(items[i]), id(items[i])))
            {
                return i;
            }
        }

        return -1;
    }
}
