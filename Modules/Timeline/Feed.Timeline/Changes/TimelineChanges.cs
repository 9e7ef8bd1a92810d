using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Changes;

/// <summary>
/// Change stamps: one counter per reader (their own timeline rows and follows) and one per author
/// (their pulled posts, deletions, push/pull switches), moved by every write after the store and the
/// cache have it, here and, through the <see cref="ITimelineChangeFeed"/>, in every other process.
/// Something read after taking the stamps it depends on is still current while none of them moved:
/// a write that lands before a stamp is taken is in what is read after it, one that lands later moves it.
/// <para>
/// Only stamps that something depends on exist (writes move existing ones, never create them), and
/// all of them are dropped together (a new generation) when the feed may have lost changes or when
/// more than the configured number of readers are tracked.
/// </para>
/// </summary>
internal sealed class TimelineChanges
{
    /// <summary>Bounds the author stamps: readers' followee lists can be long.</summary>
    private const int MaxAuthors = 1_000_000;

    private readonly ITimelineChangeFeed _feed;
    private readonly int _maxReaders;
    private Generation _generation = new();

    public TimelineChanges(ITimelineChangeFeed feed, IOptions<TimelineOptions> options)
    {
        _feed = feed;
        _maxReaders = options.Value.PageCacheSize;
    }

    /// <summary>
    /// Stamps a read of <paramref name="readerId"/>'s timeline, before anything is read. Null when nothing
    /// read may be reused: page reuse is off, or changes made elsewhere may not reach this process.
    /// </summary>
    public ReaderStamp? StampReader(Guid readerId)
    {
        if (_maxReaders == 0 || !_feed.DeliversAll)
        {
            return null;
        }

        var generation = Volatile.Read(ref _generation);
        if (generation.Readers.Count >= _maxReaders)
        {
            generation = Renew(generation);
        }

        var stamp = generation.Readers.GetOrAdd(readerId, static _ => new ChangeStamp());
        return new ReaderStamp(generation, stamp, stamp.Value);
    }

    /// <summary>Stamps the authors a read of the stamped reader's timeline depends on, before their posts are read.</summary>
    public AuthorStamps StampAuthors(ReaderStamp reader, IReadOnlyList<Guid> authorIds)
    {
        var generation = reader.Generation;
        if (generation.Authors.Count + authorIds.Count > MaxAuthors)
        {
            // The read goes on; what it reads is simply not reused (its generation is gone).
            Renew(generation);
        }

        var stamps = new ChangeStamp[authorIds.Count];
        long sum = 0;
        for (var i = 0; i < stamps.Length; i++)
        {
            stamps[i] = generation.Authors.GetOrAdd(authorIds[i], static _ => new ChangeStamp());
            sum += stamps[i].Value;
        }

        return new AuthorStamps(stamps, sum);
    }

    /// <summary>True while no stamp taken for a read has moved (stamps only grow, so an unchanged sum means none did).</summary>
    public bool Unchanged(ReaderStamp reader, AuthorStamps authors)
    {
        if (!ReferenceEquals(reader.Generation, Volatile.Read(ref _generation)) || !_feed.DeliversAll || reader.Stamp.Value != reader.Value)
        {
            return false;
        }

        long sum = 0;
        foreach (var stamp in authors.Stamps)
        {
            sum += stamp.Value;
        }

        return sum == authors.Sum;
    }

    /// <summary>After the store and the cache have a change to these readers' timelines.</summary>
    public ValueTask ReadersChangedAsync(IReadOnlyCollection<Guid> readerIds, CancellationToken cancellationToken) =>
        ChangedAsync(new TimelineChange(TimelineChangeKind.Readers, readerIds), cancellationToken);

    /// <summary>After the store and the cache have a change to what these authors show.</summary>
    public ValueTask AuthorsChangedAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken) =>
        ChangedAsync(new TimelineChange(TimelineChangeKind.Authors, authorIds), cancellationToken);

    /// <summary>Starts applying the changes other processes make.</summary>
    public ValueTask StartAsync(CancellationToken cancellationToken) =>
        _feed.StartAsync(Apply, () => Renew(Volatile.Read(ref _generation)), cancellationToken);

    private async ValueTask ChangedAsync(TimelineChange change, CancellationToken cancellationToken)
    {
        if (change.Ids.Count == 0)
        {
            return;
        }

        Apply(change);
        await _feed.PublishAsync(change, cancellationToken);
    }

    private void Apply(TimelineChange change)
    {
        var generation = Volatile.Read(ref _generation);
        var stamps = change.Kind == TimelineChangeKind.Readers ? generation.Readers : generation.Authors;
        foreach (var id in change.Ids)
        {
            if (stamps.TryGetValue(id, out var stamp))
            {
                stamp.Move();
            }
        }
    }

    private Generation Renew(Generation seen)
    {
        var renewed = new Generation();
        var current = Interlocked.CompareExchange(ref _generation, renewed, seen);
        return ReferenceEquals(current, seen) ? renewed : current;
    }

    /// <summary>One set of stamps; replaced as a whole, which invalidates everything stamped in it.</summary>
    internal sealed class Generation
    {
        public ConcurrentDictionary<Guid, ChangeStamp> Readers { get; } = new();

        public ConcurrentDictionary<Guid, ChangeStamp> Authors { get; } = new();
    }
}

/// <summary>A counter that moves whenever something stamped with it changes.</summary>
internal sealed class ChangeStamp
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    public void Move() => Interlocked.Increment(ref _value);
}

/// <summary>The reader's stamp as a read took it.</summary>
internal readonly record struct ReaderStamp(TimelineChanges.Generation Generation, ChangeStamp Stamp, long Value);

/// <summary>The authors' stamps as a read took them, and the sum of their values then.</summary>
internal sealed record AuthorStamps(ChangeStamp[] Stamps, long Sum);

/// <summary>Starts the change feed with the host.</summary>
internal sealed class TimelineChangesStart(TimelineChanges changes) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => changes.StartAsync(cancellationToken).AsTask();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
