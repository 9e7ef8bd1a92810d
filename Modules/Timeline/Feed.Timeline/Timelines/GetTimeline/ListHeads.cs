using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// The influencer list heads (<see cref="ListHead"/>) one timeline read has found in the cache, kept for
/// the read's later reads of the same lists. A page that one influencer's burst of posts fills reads that
/// list on after its first chunk; the head found by the first read usually holds the continuation
/// already, and answering from it reads the list as it was earlier in the same read, as any read of a
/// page may. The merge fetches its sources side by side, so this is shared between threads.
/// </summary>
internal sealed class ListHeads
{
    private readonly Lock _gate = new();

    // The hits as the cache answered them (a prefetch's are shared by every group): searched, not copied.
    private List<IReadOnlyDictionary<Guid, CachedRange>>? _found;

    public void Remember(IReadOnlyDictionary<Guid, CachedRange> hits)
    {
        if (hits.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_found?.Contains(hits) != true)
            {
                (_found ??= []).Add(hits);
            }
        }
    }

    /// <summary>
    /// The entries of the lists a head answers, as the store would answer them (lists with no entries left
    /// out), and the lists none does; null when no head answers any of them.
    /// </summary>
    public (Dictionary<Guid, IReadOnlyList<TimelineEntry>> Answered, List<Guid> Unanswered)? Answer(IReadOnlyList<Guid> ownerIds, SequenceKey after, int limit)
    {
        Dictionary<Guid, IReadOnlyList<TimelineEntry>>? answered = null;
        List<Guid>? unanswered = null;
        lock (_gate)
        {
            if (_found is null)
            {
                return null;
            }

            for (var i = 0; i < ownerIds.Count; i++)
            {
                if (Find(ownerIds[i]) is { } head && head.Answers(after, limit))
                {
                    answered ??= new Dictionary<Guid, IReadOnlyList<TimelineEntry>>(ownerIds.Count);
                    if (head.Range(after, limit).Entries is { Count: > 0 } entries)
                    {
                        answered[ownerIds[i]] = entries;
                    }
                }
                else
                {
                    (unanswered ??= []).Add(ownerIds[i]);
                }
            }
        }

        return answered is null ? null : (answered, unanswered ?? []);
    }

    private ListHead? Find(Guid ownerId)
    {
        // The latest found first (any would do: each is the list as this read found it at some moment).
        for (var i = _found!.Count - 1; i >= 0; i--)
        {
            if (_found[i].TryGetValue(ownerId, out var range) && range.Head is { } head)
            {
                return head;
            }
        }

        return null;
    }
}
