using System.Collections.Concurrent;
using Feed.Timeline.Changes;
using Feed.Timeline.Contracts;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// The first page last served to each reader, reused for the reader's next request of the same size
/// while none of the change stamps taken before it was read has moved (<see cref="TimelineChanges"/>),
/// within <see cref="TimelineOptions.PageLifetime"/> and before its reader's activity must be recorded
/// again. A warm read then costs no store or cache round trip. Pages further down are always read.
/// </summary>
internal sealed class ServedPages(TimelineChanges changes, IOptions<TimelineOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, ServedPage> _pages = new();
    private readonly int _maxPages = options.Value.PageCacheSize;
    private readonly TimeSpan _lifetime = options.Value.PageLifetime;
    private TimelineChanges.Generation? _generation;

    public bool TryGet(Guid readerId, int limit, out TimelinePage page)
    {
        if (_pages.TryGetValue(readerId, out var served)
            && served.Limit == limit
            && time.GetUtcNow() < served.ReusableUntil
            && changes.Unchanged(served.Reader, served.Authors))
        {
            page = served.Page;
            return true;
        }

        page = null!;
        return false;
    }

    /// <summary>
    /// Keeps a page read under <paramref name="reader"/> and <paramref name="authors"/>; reusable until
    /// its lifetime ends or <paramref name="activityRecordedUntil"/>, whichever comes first.
    /// </summary>
    public void Keep(Guid readerId, int limit, TimelinePage page, ReaderStamp reader, AuthorStamps authors, DateTimeOffset activityRecordedUntil)
    {
        // Pages of an earlier generation can never be reused: drop them, so that they do not keep its stamps alive.
        if (!ReferenceEquals(Volatile.Read(ref _generation), reader.Generation))
        {
            _pages.Clear();
            Volatile.Write(ref _generation, reader.Generation);
        }

        if (_pages.Count >= _maxPages && !_pages.ContainsKey(readerId))
        {
            // Rarely reached with a sensible size; dropping all is simpler than tracking recency and costs only re-reads.
            _pages.Clear();
        }

        var until = time.GetUtcNow() + _lifetime;
        _pages[readerId] = new ServedPage(limit, page, reader, authors, until < activityRecordedUntil ? until : activityRecordedUntil);
    }

    private sealed record ServedPage(int Limit, TimelinePage Page, ReaderStamp Reader, AuthorStamps Authors, DateTimeOffset ReusableUntil);
}
