using System.Diagnostics.Metrics;
using Feed.SharedKernel.Telemetry;

namespace Feed.Timeline;

/// <summary>Where a timeline page came from: the cache, the store, or a timeline rebuilt first (an inactive reader's).</summary>
internal enum TimelineReadSource
{
    Cache,
    Store,
    Rebuilt,
}

/// <summary>
/// The Timeline module's instruments, on the <c>Feed</c> meter. Tags carry no user data: only where a
/// read came from. Prometheus shows them as <c>feed_fanout_entries_total</c>,
/// <c>feed_fanout_duration_seconds</c>, <c>feed_timeline_reads_total</c>,
/// <c>feed_timeline_read_duration_seconds</c> and <c>feed_cache_fallbacks_total</c> (docs/operations.md).
/// </summary>
internal sealed class TimelineMetrics
{
    // Seconds: a read takes milliseconds, a fan-out to many followers seconds to minutes.
    private static readonly double[] ReadBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly double[] FanOutBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private static readonly KeyValuePair<string, object?>[] FromCache = [new("source", "cache")];
    private static readonly KeyValuePair<string, object?>[] FromStore = [new("source", "store")];
    private static readonly KeyValuePair<string, object?>[] FromRebuilt = [new("source", "rebuilt")];

    private readonly Counter<long> _fanOutEntries;
    private readonly Histogram<double> _fanOutDuration;
    private readonly Counter<long> _reads;
    private readonly Histogram<double> _readDuration;
    private readonly Counter<long> _cacheFallbacks;
    private readonly TimeProvider _time;

    public TimelineMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(FeedTelemetry.Name);
        _fanOutEntries = meter.CreateCounter<long>("feed.fanout.entries", "{entry}", "Timeline entries written by fan-out (a durable row, and the cached timeline when there is one).");
        _fanOutDuration = meter.CreateHistogram("feed.fanout.duration", "s", "From a post's commit to its last follower's entry.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FanOutBuckets });
        _reads = meter.CreateCounter<long>("feed.timeline.reads", "{read}", "Timeline pages served, by where they came from.");
        _readDuration = meter.CreateHistogram("feed.timeline.read.duration", "s", "Time to serve a timeline page.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ReadBuckets });
        _cacheFallbacks = meter.CreateCounter<long>("feed.cache.fallbacks", "{read}", "Cache reads that failed (Redis down or timing out) and were answered from PostgreSQL.");
    }

    public void EntriesWritten(int count)
    {
        if (count > 0)
        {
            _fanOutEntries.Add(count);
        }
    }

    /// <summary>A push fan-out finished: the time since the post was committed (its creation time).</summary>
    public void FanOutFinished(DateTimeOffset postCreatedOn) =>
        _fanOutDuration.Record(Math.Max(0, (_time.GetUtcNow() - postCreatedOn).TotalSeconds));

    public void TimelineRead(TimelineReadSource source, TimeSpan duration)
    {
        var tags = source switch
        {
            TimelineReadSource.Cache => FromCache,
            TimelineReadSource.Rebuilt => FromRebuilt,
            _ => FromStore,
        };
        _reads.Add(1, tags);
        _readDuration.Record(duration.TotalSeconds, tags);
    }

    public void CacheFallback() => _cacheFallbacks.Add(1);
}
