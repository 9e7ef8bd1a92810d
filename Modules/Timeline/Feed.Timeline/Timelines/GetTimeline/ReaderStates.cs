using Feed.Timeline.ReaderLifecycle;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// What a timeline read knows about its reader (<see cref="ReaderState"/>): from the cache while it
/// holds a trusted state, with no store round trip; otherwise begun in the store as
/// <see cref="ReaderActivity"/> does it (the read recorded, an inactive reader's timeline rebuilt), with
/// the followees that have influencer_posts, and cached for the next reads. The cache drops a state
/// whenever what it holds changes (a follow or unfollow by the reader, a followee's first
/// influencer_posts) and stops trusting it when the reader's activity must be checked again.
/// </summary>
internal sealed class ReaderStates(ITimelineCache cache, ITimelinePostStore store, ReaderActivity activity, TimeProvider time)
{
    /// <summary>The cached state, or a miss with the permission to fill it; the lists of <paramref name="ahead"/> read in the same round trip.</summary>
    public ValueTask<CachedReader> LookUpAsync(Guid readerId, ReadAhead ahead, CancellationToken cancellationToken) =>
        cache.ReadReaderAsync(readerId, time.GetUtcNow(), ahead, cancellationToken);

    /// <summary>The reader's state as this process last found it, unchecked: what the other reads may start with.</summary>
    public ReaderState? LastKnown(Guid readerId) => cache.LastKnownReader(readerId);

    /// <summary>After a miss: begins the read in the store and caches the state when <paramref name="fill"/> allows; says whether the timeline was rebuilt.</summary>
    public async ValueTask<(ReaderState State, bool Rebuilt)> BeginInStoreAsync(Guid readerId, CacheFill? fill, CancellationToken cancellationToken)
    {
        // Pull every followee that has influencer_posts, not only current influencers: a demoted
        // influencer's older posts exist only there, while their newer ones arrive as rows.
        var read = await activity.BeginReadAsync(readerId, cancellationToken);
        var pulled = read.Followees.Count == 0 ? [] : await store.GetAuthorsWithInfluencerPostsAsync(read.Followees, cancellationToken);
        var state = new ReaderState(read.Followees, [.. pulled], read.RecordedUntil);
        if (fill is not null)
        {
            await cache.FillReaderAsync(fill, readerId, state, time.GetUtcNow(), cancellationToken);
        }

        return (state, read.Rebuilt);
    }
}
