using Feed.SharedKernel.Paging;
using Feed.Timeline.ReaderLifecycle;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// What a timeline read knows about its reader (<see cref="ReaderState"/>): from the cache while it
/// holds a trusted state, with no store round trip; otherwise begun in the store as
/// <see cref="ReaderActivity"/> does it (the read recorded, an inactive reader's timeline rebuilt), with
/// the followees that have or had influencer_posts, and cached for the next reads. The cache drops a state
/// whenever what it holds changes (a follow or unfollow by the reader, a followee's first
/// influencer_posts) and stops trusting it when the reader's activity must be checked again.
/// </summary>
internal sealed class ReaderStates(ITimelineCache cache, ITimelinePostStore store, ReaderActivity activity, TimeProvider time)
{
    /// <summary>
    /// Begins a read: the reader's checked state and where it came from, with the first reads of the
    /// reader's rows and of the influencer lists the state names already started in <paramref name="reads"/>.
    /// </summary>
    public async ValueTask<(ReaderState State, TimelineReadSource Source)> BeginReadAsync(
        Guid readerId,
        TimelineReads reads,
        SequenceKey? after,
        int rowLimit,
        int influencerLimit,
        CancellationToken cancellationToken)
    {
        // One round trip for a warm read: the reader's state, with the reader's rows right behind it and
        // the lists of the influencers this process last knew the reader to pull. The rows are used only
        // when the state is a hit read before them: a state is filled only after any rebuild it reflects
        // dropped the cached rows, so rows read after the state are the rebuilt ones. Otherwise the read
        // begins in the store (recorded, rebuilt when due) and the rows are read after it. The checked
        // state says whether the influencer lists read were the right ones.
        var ahead = new ReadAhead(after, rowLimit, cache.LastKnownReader(readerId)?.Pulled ?? [], influencerLimit);
        var cached = await cache.ReadReaderAsync(readerId, time.GetUtcNow(), ahead, cancellationToken);
        reads.DeletionsSeen = cached.Deletions;
        if (cached.Ahead is { } answers)
        {
            reads.UseReadAhead(readerId, ahead, answers);
        }

        var source = TimelineReadSource.Cache;
        if (cached.State is not { } state || cached.Late)
        {
            await reads.AbandonRowPrefetchAsync();
            source = TimelineReadSource.Store;
            if (cached.State is { } late)
            {
                state = late;
            }
            else
            {
                (state, var rebuilt) = await BeginInStoreAsync(readerId, cached.Fill, cancellationToken);
                source = rebuilt ? TimelineReadSource.Rebuilt : TimelineReadSource.Store;
            }
        }

        if (state.Pulled.Count == 0 || !reads.HasPrefetched(state.Pulled, after, influencerLimit))
        {
            // Started from a state that has changed since: read what the checked state names instead.
            await reads.AbandonInfluencerPrefetchAsync();
            reads.PrefetchInfluencerPosts(state.Pulled, after, influencerLimit, cancellationToken);
        }

        return (state, source);
    }

    /// <summary>After a miss: begins the read in the store and caches the state when <paramref name="fill"/> allows; says whether the timeline was rebuilt.</summary>
    private async ValueTask<(ReaderState State, bool Rebuilt)> BeginInStoreAsync(Guid readerId, CacheFill? fill, CancellationToken cancellationToken)
    {
        // Pull every followee that has (or ever had) influencer_posts, not only current influencers: a demoted
        // influencer's older posts exist only there, while their newer ones arrive as rows.
        var read = await activity.BeginReadAsync(readerId, cancellationToken);
        var pulled = read.Followees.Count == 0 ? [] : await store.GetPulledAuthorsAsync(read.Followees, cancellationToken);
        var state = new ReaderState(read.Followees, [.. pulled], read.RecordedUntil);
        if (fill is not null)
        {
            await cache.FillReaderAsync(fill, readerId, state, time.GetUtcNow(), cancellationToken);
        }

        return (state, read.Rebuilt);
    }
}
