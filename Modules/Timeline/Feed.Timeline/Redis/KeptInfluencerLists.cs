using System.Collections.Concurrent;
using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Redis;

/// <summary>
/// The newest entries of influencers' cached lists, kept in this process: every reader who follows an
/// influencer reads the same few posts, so a read takes them from here instead of one Redis range
/// read per influencer. Each copy carries the list's change token and the cache version it was read
/// under, and is served only while Redis still holds both (one MGET for all of a page's influencers):
/// every change of an influencer's list sets a new token after the change, so a token that still
/// matches means no change has completed since the copy was read (see <see cref="RedisTimelineCache"/>).
/// </summary>
internal sealed class KeptInfluencerLists(int capacity)
{
    private readonly ConcurrentDictionary<Guid, KeptList> _lists = new();

    /// <summary>The copy of the influencer's list, if it can answer a read strictly after <paramref name="after"/> of <paramref name="limit"/> entries.</summary>
    public KeptList? Answering(Guid influencerId, SequenceKey? after, int limit) =>
        _lists.TryGetValue(influencerId, out var kept) && kept.Answers(after, limit) ? kept : null;

    /// <summary>
    /// Keeps a first-page hit (read strictly after nothing) whose token was read before the list was.
    /// </summary>
    public void Keep(Guid influencerId, string token, string version, CachedRange newest)
    {
        if (_lists.Count >= capacity && !_lists.ContainsKey(influencerId))
        {
            // Bounded: a process that met more influencers than it keeps starts over (rare; copies are cheap to read again).
            _lists.Clear();
        }

        _lists[influencerId] = new KeptList(token, version, [.. newest.Entries], newest.ReachesEnd);
    }

    /// <summary>Forgets a copy found out of date, so that the next read does not check it again.</summary>
    public void Forget(Guid influencerId, KeptList stale) => _lists.TryRemove(new KeyValuePair<Guid, KeptList>(influencerId, stale));
}

/// <summary>An influencer list's newest entries (newest first), the token and version they were read under, and whether they are the whole list.</summary>
internal sealed class KeptList(string token, string version, TimelineEntry[] entries, bool whole)
{
    public string Token { get; } = token;

    public string Version { get; } = version;

    /// <summary>True when the entries strictly after <paramref name="after"/> are all here, or at least <paramref name="limit"/> of them.</summary>
    public bool Answers(SequenceKey? after, int limit) => whole || entries.Length - Start(after) >= limit;

    /// <summary>What a Redis read of the list would answer (see <see cref="CachedRange"/>); only when <see cref="Answers"/>.</summary>
    public CachedRange Range(SequenceKey? after, int limit)
    {
        var start = Start(after);
        var count = Math.Min(limit, entries.Length - start);
        return new CachedRange(new ArraySegment<TimelineEntry>(entries, start, count), ReachesEnd: whole && start + count == entries.Length);
    }

    /// <summary>The index of the first entry strictly after the position (page order: newest first).</summary>
    private int Start(SequenceKey? after)
    {
        if (after is not { } position)
        {
            return 0;
        }

        var start = 0;
        while (start < entries.Length && entries[start].Key <= position)
        {
            start++;
        }

        return start;
    }
}
