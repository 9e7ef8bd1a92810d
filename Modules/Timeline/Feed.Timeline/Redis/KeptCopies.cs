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

/// <summary>
/// An influencer list's newest entries (<see cref="Depth"/> of them, or a larger first page's limit, or the whole
/// list), and the token and version they were read under.
/// </summary>
internal sealed class KeptList(RedisKey tokenKey, RedisValue token, string version, ListHead head)
{
    /// <summary>
    /// How deep a copy is read. A first page that one influencer's burst of posts fills reads the list's
    /// first entries (PostsPerInfluencer + 1), then on after them as far as the page needs (the merge's
    /// continuation, <see cref="ListHead"/>); with the default 5 posts per influencer, a copy this deep answers
    /// both for pages of up to 50 posts. About 3 KB per copy (48 bytes an entry).
    /// </summary>
    public const int Depth = 64;

    /// <summary>Where the list's token is (kept with the copy: built once, not on every read).</summary>
    public RedisKey TokenKey { get; } = tokenKey;

    public RedisValue Token { get; } = token;

    public string Version { get; } = version;

    public ListHead Head { get; } = head;
}
