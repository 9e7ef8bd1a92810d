using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// The influencer list heads (<see cref="ListHead"/>) one timeline read has found, kept for the read's
/// later reads of the same lists. A page that one influencer's burst of posts fills reads that list on
/// after its first chunk; the head found by the first read usually holds the continuation already, and
/// answering from it reads the list as it was a moment before, as any read of a page may.
/// </summary>
internal sealed class ListHeads
{
    // The hits as the cache answered them (a prefetch's are shared by every group): searched, not copied.
    private List<IReadOnlyDictionary<Guid, CachedRange>>? _found;

    public void Remember(IReadOnlyDictionary<Guid, CachedRange> hits)
    {
        if (hits.Count > 0 && _found?.Contains(hits) != true)
        {
            (_found ??= []).Add(hits);
        }
    }

    /// <summary>
    /// The entries of the lists a head answers (as the store would answer them: lists with no entries left
    /// out), and the lists none does (null: all answered).
    /// </summary>
    public (Dictionary<Guid, IReadOnlyList<TimelineEntry>> Answered, List<Guid>? Unanswered) Answer(IReadOnlyList<Guid> ownerIds, SequenceKey after, int limit)
    {
        var answered = new Dictionary<Guid, IReadOnlyList<TimelineEntry>>(ownerIds.Count);
        List<Guid>? unanswered = null;
        foreach (var ownerId in ownerIds)
        {
            if (Find(ownerId) is { } head && head.Answers(after, limit))
            {
                var entries = head.Range(after, limit).Entries;
                if (entries.Count > 0)
                {
                    answered[ownerId] = entries;
                }
            }
            else
            {
                (unanswered ??= []).Add(ownerId);
            }
        }

        return (answered, unanswered);
    }

    private ListHead? Find(Guid ownerId)
    {
        // The latest found first (any would do: each is the list as one read of this page found it).
        for (var i = (_found?.Count ?? 0) - 1; i >= 0; i--)
        {
            if (_found![i].TryGetValue(ownerId, out var range) && range.Head is { } head)
            {
                return head;
            }
        }

        return null;
    }
}
