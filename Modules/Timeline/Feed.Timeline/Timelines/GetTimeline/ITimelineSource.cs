using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// One input of the timeline merge, read newest first in chunks, strictly after the page cursor.
/// A chunk of n is read as n + 1 so the source knows whether it holds more than it has fetched.
/// </summary>
internal interface ITimelineSource
{
    /// <summary>Everything fetched so far, in page order (ascending <see cref="SequenceKey"/>), each key once.</summary>
    IReadOnlyList<TimelineEntry> Entries { get; }

    /// <summary>True when entries may exist that have not been fetched yet.</summary>
    bool HasMore { get; }

    /// <summary>
    /// Only meaningful while <see cref="HasMore"/>: every entry not fetched yet sorts strictly after
    /// this key, so everything up to it is complete.
    /// </summary>
    SequenceKey Horizon { get; }

    /// <summary>
    /// The first call reads the source's first chunk; each later call reads the next chunk after
    /// <see cref="Horizon"/>, larger than the previous one and at least <paramref name="wanted"/> entries
    /// (when the source has them), so a page needs few round trips. Does nothing once nothing is left.
    /// </summary>
    ValueTask FetchAsync(int wanted, CancellationToken cancellationToken);
}

internal static class TimelineChunks
{
    /// <summary>Upper bound of one chunk: keeps a read bounded when many fetched entries turn out deleted.</summary>
    public const int MaxChunk = 1000;

    public static int Next(int previous, int wanted) => Math.Clamp(Math.Max(previous * 2, wanted), 1, MaxChunk);

    /// <summary>Page order: created_on descending, then post_id descending.</summary>
    public static readonly Comparer<TimelineEntry> PageOrder =
        Comparer<TimelineEntry>.Create(static (left, right) => left.Key.CompareTo(right.Key));
}
