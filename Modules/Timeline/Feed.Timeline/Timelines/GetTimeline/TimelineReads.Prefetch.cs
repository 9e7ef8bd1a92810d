using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>The first reads started ahead of the sources that take them (<see cref="PrefetchedRanges"/>).</summary>
internal sealed partial class TimelineReads
{
    private PrefetchedRanges? _prefetched;
    private PrefetchedRanges? _prefetchedRows;

    /// <summary>
    /// Takes the answers of the reads started with the reader lookup (<see cref="ReadAhead"/>): the first
    /// read of the reader's rows and every group's first read of its influencers then use them instead
    /// of asking the cache themselves. Misses are still read from the store as they would be.
    /// </summary>
    public void UseReadAhead(Guid readerId, ReadAhead ahead, ReadAheadAnswers answers)
    {
        _prefetchedRows = new PrefetchedRanges([readerId], ahead.After, ahead.RowLimit, answers.Rows);
        if (answers.Influencers is { } influencers)
        {
            _prefetched = new PrefetchedRanges([.. ahead.Influencers], ahead.After, ahead.InfluencerLimit, influencers);
        }
    }

    /// <summary>
    /// Starts the cache read of every pulled influencer's first chunk in one call (one pipelined batch
    /// for all of them); each group's first read then takes its part of the answer instead of asking the
    /// cache itself. Misses are still read from the store group by group, as the design reads them.
    /// </summary>
    public void PrefetchInfluencerPosts(IReadOnlyList<Guid> influencerIds, SequenceKey? after, int limitPerInfluencer, CancellationToken cancellationToken)
    {
        if (influencerIds.Count > 0)
        {
            var cached = cache.ReadAsync(CachedList.InfluencerPosts, influencerIds, after, limitPerInfluencer, cancellationToken).AsTask();
            _prefetched = new PrefetchedRanges([.. influencerIds], after, limitPerInfluencer, cached);
        }
    }

    public bool HasPrefetched(IReadOnlyList<Guid> influencerIds, SequenceKey? after, int limitPerInfluencer) =>
        _prefetched is { } prefetched && prefetched.Answers(influencerIds, after, limitPerInfluencer);

    /// <summary>Drops the prefetched influencer lists; a pending read's failure, if any, does not concern the caller.</summary>
    public Task AbandonInfluencerPrefetchAsync()
    {
        var abandoned = _prefetched;
        _prefetched = null;
        return WaitOutAsync(abandoned);
    }

    /// <summary>Drops the reader's rows read ahead (read again when the source asks for them).</summary>
    public Task AbandonRowPrefetchAsync()
    {
        var abandoned = _prefetchedRows;
        _prefetchedRows = null;
        return WaitOutAsync(abandoned);
    }

    private static async Task WaitOutAsync(PrefetchedRanges? abandoned)
    {
        if (abandoned is not null)
        {
            await ((Task)abandoned.Ranges).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
