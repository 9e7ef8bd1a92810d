using System.Collections.Concurrent;
using System.Diagnostics;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// Post details this process keeps in memory, and what it knows of deletions. Details never change
/// (usernames neither); a post only ever becomes deleted, and every deletion is appended to the stream
/// <c>deleted-posts</c> once the post's "deleted" mark is in place (answered before the append is sent:
/// establishing the position skips every entry before the newest, so a details read sent after it must
/// find their marks; on a cluster the mark and the stream are on different nodes). A timeline read reads the stream from where this
/// process has applied it (<see cref="Seen"/>) in its first round trip; once that answer is applied,
/// every deletion done before the read is known here and evicted, so kept details may hydrate its page
/// with no second round trip (<see cref="DeletionsSeen"/>).
/// <para>
/// Races: a copy is kept only from a details read sent after the stream position was established and
/// in the same <see cref="_epoch"/> (a clear starts a new one), and never for a post known deleted
/// (checked again after adding: an eviction may run between the check and the add). Copies answer a
/// read only under the cache version that read saw, so a renewal (after a lost write, perhaps a lost
/// deletion) drops them all.
/// </para>
/// </summary>
internal sealed class KeptPosts(int capacity)
{
    /// <summary>Stream entries read per check; a check that gets this many is incomplete and vouches for nothing.</summary>
    public const int EntriesPerCheck = 256;

    /// <summary>
    /// Deletions stay in the stream this long (trimmed by age at each append); a process that has not
    /// applied the stream for half of it may have missed trimmed entries, and starts over.
    /// </summary>
    public static readonly TimeSpan StreamAge = TimeSpan.FromMinutes(10);

    private readonly KeptCopies<KeptPost> _posts = new(capacity);
    private readonly ConcurrentDictionary<Guid, byte> _deleted = new();
    private readonly Lock _gate = new();
    private long _epoch;
    private long _position;
    private string? _seen;
    private long _seenMs;
    private long _seenSequence;
    private string? _version;
    private long _appliedAt;

    /// <summary>The stream id this process has applied up to; null until the position is established.</summary>
    public string? Seen => Volatile.Read(ref _seen);

    /// <summary>Changes whenever copies read before it may no longer be kept.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>Adds this process's check of the deletions stream to <paramref name="batch"/>.</summary>
    public DeletionCheck Check(IBatch batch, RedisKey stream)
    {
        // The position's number before the position itself: a start-over clears the position first.
        var position = Interlocked.Read(ref _position);
        var seen = Seen;
        var read = seen is null
            ? batch.StreamRangeAsync(stream, "-", "+", 1, Order.Descending)
            : batch.StreamRangeAsync(stream, "(" + seen, "+", EntriesPerCheck);
        return new DeletionCheck(seen is null, position, read);
    }

    /// <summary>
    /// Applies a check's answer, read under <paramref name="version"/>. Returns what the read that sent it
    /// may rely on: null when the check was incomplete (too many new deletions, or the position only just established).
    /// </summary>
    public DeletionsSeen? Apply(DeletionCheck check, StreamEntry[] entries, string version)
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (_version != version || (_appliedAt != 0 && Stopwatch.GetElapsedTime(_appliedAt, now) > StreamAge / 2))
            {
                // A new version distrusts every copy; a long pause may have let the stream's trim pass us. The
                // position is established afresh by the next check: a new version may mean an emptied Redis,
                // whose new stream is numbered by its own clock, perhaps behind the position reached before.
                StartOver();
                _version = version;
                if (_seen is not null)
                {
                    Volatile.Write(ref _seen, null);
                    Interlocked.Increment(ref _position);
                }
            }

            _appliedAt = now;
            // A check answers only for the position it was sent from: one sent before a start-over read the
            // stream from the abandoned position, and vouches for nothing.
            var fromCurrent = check.Position == Interlocked.Read(ref _position);
            if (check.Establishing || _seen is null || !fromCurrent)
            {
                if (check.Establishing && _seen is null && fromCurrent)
                {
                    // A start-over, not only a new epoch: a details read that took the epoch while no position
                    // was known (a start-over raises it before the position is cleared) may have kept a post
                    // deleted before the entry the position now starts at, which it will never apply.
                    StartOver();
                    SetSeen(entries.Length > 0 ? entries[0].Id.ToString() : "0-0");
                }

                return null;
            }

            foreach (var entry in entries)
            {
                if (Guid.TryParseExact(entry[PostField].ToString(), "N", out var postId))
                {
                    Evict(postId);
                }

                if (Later(entry.Id.ToString()))
                {
                    SetSeen(entry.Id.ToString());
                }
            }

            return entries.Length < EntriesPerCheck ? new DeletionsSeen(version) : null;
        }
    }

    /// <summary>The kept details of <paramref name="postId"/> under <paramref name="seen"/>'s version, if any.</summary>
    public KeptPost? Find(Guid postId, DeletionsSeen seen) =>
        _posts.Find(postId) is { } copy && copy.Version == seen.Version ? copy : null;

    /// <summary>Keeps details read from Redis by a read sent in <paramref name="epoch"/> with the position established.</summary>
    public void Keep(long epoch, Guid postId, KeptPost copy)
    {
        if (epoch != Epoch || _deleted.ContainsKey(postId))
        {
            return;
        }

        // Bounded: a process that met more posts than it keeps starts over (details are cheap to read again).
        _posts.Keep(postId, copy);

        // An eviction or a start-over may have run since the checks above: undo the add then.
        if (epoch != Epoch || _deleted.ContainsKey(postId))
        {
            _posts.Forget(postId, copy);
        }
    }

    /// <summary>The field of a stream entry that names the deleted post.</summary>
    public const string PostField = "p";

    private void Evict(Guid postId)
    {
        if (_deleted.TryAdd(postId, 0) && _deleted.Count > capacity)
        {
            // Deletions known here are what stops a late details read from keeping a deleted post: forgetting
            // them means no read sent before may keep anything.
            StartOver();
            _deleted.TryAdd(postId, 0);
        }

        _posts.Forget(postId);
    }

    private void StartOver()
    {
        Interlocked.Increment(ref _epoch);
        _posts.ForgetAll();
        _deleted.Clear();
    }

    private void SetSeen(string id)
    {
        (_seenMs, _seenSequence) = ParseId(id);
        Volatile.Write(ref _seen, id);
    }

    /// <summary>Stream ids order by (milliseconds, sequence), not as strings.</summary>
    private bool Later(string id)
    {
        var (ms, sequence) = ParseId(id);
        return ms > _seenMs || (ms == _seenMs && sequence > _seenSequence);
    }

    private static (long Ms, long Sequence) ParseId(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? (long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), 0) : (long.Parse(id.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture), long.Parse(id.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>A post's details as cached, with its author's username and the cache version they were read under.</summary>
internal sealed record KeptPost(TimelinePost Post, string AuthorName, string Version);

/// <summary>
/// A check of the deletions stream sent in a batch: the stream's newest entry when <see cref="Establishing"/>, otherwise
/// the entries after the position; <see cref="Position"/> numbers the position it was sent from (each start-over begins a new one).
/// </summary>
internal readonly record struct DeletionCheck(bool Establishing, long Position, Task<StreamEntry[]> Entries);
