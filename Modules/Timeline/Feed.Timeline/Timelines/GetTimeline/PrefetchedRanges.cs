using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>One cache read of many influencers' lists, answered to each group for its own influencers.</summary>
internal sealed record PrefetchedRanges(HashSet<Guid> InfluencerIds, SequenceKey? After, int Limit, Task<CachedRanges> Ranges)
{
    private Dictionary<Guid, IReadOnlyList<TimelineEntry>>? _complete;

    public bool Answers(IReadOnlyList<Guid> influencerIds, SequenceKey? after, int limit)
    {
        if (after != After || limit != Limit)
        {
            return false;
        }

        foreach (var influencerId in influencerIds)
        {
            if (!InfluencerIds.Contains(influencerId))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The lists the prefetch answered whole (the limit reached, or the list's end), built once and
    /// shared by every group; null when one of <paramref name="influencerIds"/> needs more (a miss, a short hit).
    /// Lists with no entries are left out, as the store leaves them out.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>?> CompleteForAsync(IReadOnlyList<Guid> influencerIds)
    {
        var all = await Ranges;
        if (_complete is null)
        {
            var complete = new Dictionary<Guid, IReadOnlyList<TimelineEntry>>(all.Hits.Count);
            foreach (var (influencerId, range) in all.Hits)
            {
                if ((range.Entries.Count >= Limit || range.ReachesEnd) && range.Entries.Count > 0)
                {
                    complete[influencerId] = range.Entries;
                }
            }

            _complete = complete;
        }

        foreach (var influencerId in influencerIds)
        {
            if (!all.Hits.TryGetValue(influencerId, out var range) || (range.Entries.Count < Limit && !range.ReachesEnd))
            {
                return null;
            }
        }

        return _complete;
    }

    /// <summary>The group's hits, and the permission to fill the group's misses only (each group fills its own).</summary>
    public async Task<CachedRanges> ForAsync(IReadOnlyList<Guid> influencerIds)
    {
        var all = await Ranges;
        var hits = new Dictionary<Guid, CachedRange>(influencerIds.Count);
        var expected = new Dictionary<Guid, string>();
        foreach (var influencerId in influencerIds)
        {
            if (all.Hits.TryGetValue(influencerId, out var hit))
            {
                hits[influencerId] = hit;
            }
            else if (all.Fill is { } fill && fill.Expected.TryGetValue(influencerId, out var marker))
            {
                expected[influencerId] = marker;
            }
        }

        return new CachedRanges(hits, all.Fill is { } allFill ? allFill with { Expected = expected } : null);
    }
}
