using Feed.SharedKernel.Paging;

namespace Feed.Social.Paging;

internal static class NewestFirstPage
{
    /// <summary>
    /// Cuts a page from rows read with <c>limit + 1</c>: the extra row only proves that more
    /// follow, so the next position (the last returned row's key) is null exactly on the last page.
    /// The caller encodes it: signed for a client's list, plain between modules.
    /// </summary>
    public static (IReadOnlyList<TRow> Rows, Cursor? Next) Cut<TRow>(IReadOnlyList<TRow> rows, int limit, Func<TRow, SequenceKey> keyOf)
    {
        if (rows.Count <= limit)
        {
            return (rows, null);
        }

        var page = rows.Take(limit).ToArray();
        return (page, keyOf(page[^1]).ToCursor());
    }
}
