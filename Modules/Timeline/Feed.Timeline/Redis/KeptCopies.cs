using System.Collections.Concurrent;
using Feed.SharedKernel.Paging;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// Copies of cached values this process keeps in memory, by owner id, bounded: the influencer lists
/// every follower of an influencer reads (<see cref="KeptList"/>), the states of the readers this
/// process serves (<see cref="KeptReader"/>) and post details (<see cref="KeptPosts"/>, which keeps its own check). A copy carries what Redis must still hold for it to be
/// served (a change token or a fill stamp, and the cache version), and is checked on every read with
/// a few bytes instead of read whole (see <see cref="RedisTimelineCache"/>).
/// </summary>
internal sealed class KeptCopies<TCopy>(int capacity)
    where TCopy : class
{
    private readonly ConcurrentDictionary<Guid, TCopy> _copies = new();

    // Counted here: ConcurrentDictionary.Count takes every lock. Approximate under races, which a bound may be.
    private int _count;

    public TCopy? Find(Guid ownerId) => _copies.TryGetValue(ownerId, out var copy) ? copy : null;

    public void Keep(Guid ownerId, TCopy copy)
    {
        if (_copies.TryAdd(ownerId, copy))
        {
            if (Interlocked.Increment(ref _count) > capacity)
            {
                // Bounded: a process that met more owners than it keeps starts over (rare; copies are cheap to read again).
                _copies.Clear();
                _copies[ownerId] = copy;
                Interlocked.Exchange(ref _count, 1);
            }

            return;
        }

        _copies[ownerId] = copy;
    }

    /// <summary>Forgets the copy of <paramref name="ownerId"/>, whatever it is.</summary>
    public void Forget(Guid ownerId)
    {
        if (_copies.TryRemove(ownerId, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Forgets every copy.</summary>
    public void ForgetAll()
    {
        _copies.Clear();
        Interlocked.Exchange(ref _count, 0);
    }

    /// <summary>Forgets a copy found out of date (unless replaced meanwhile), so that no read checks it again.</summary>
    public void Forget(Guid ownerId, TCopy stale)
    {
        if (_copies.TryRemove(new KeyValuePair<Guid, TCopy>(ownerId, stale)))
        {
            Interlocked.Decrement(ref _count);
        }
    }
}

/// <summary>A reader's state as filled in Redis under <see cref="Stamp"/> (unique per fill) and <see cref="Version"/>.</summary>
internal sealed record KeptReader(RedisValue Stamp, string Version, ReaderState State);

/// <summary>An influencer list's newest entries (newest first), the token and version they were read under, and whether they are the whole list.</summary>
internal sealed class KeptList(RedisKey tokenKey, RedisValue token, string version, TimelineEntry[] entries, bool whole)
{
    /// <summary>Where the list's token is (kept with the copy: built once, not on every read).</summary>
    public RedisKey TokenKey { get; } = tokenKey;

    public RedisValue Token { get; } = token;

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
