using System.Collections.Frozen;
using System.Threading.Channels;

namespace Feed.Timeline.Live;

/// <summary>An event for one client: <c>post-added</c> or <c>post-removed</c>, with the post's key.</summary>
internal sealed record LiveEvent(string Type, LivePost Post)
{
    public const string Added = "post-added";
    public const string Removed = "post-removed";

    /// <summary>Not sent as such: wakes the stream to tell its client <c>refetch</c> (<see cref="LiveConnection.Missed"/>).</summary>
    public static readonly LiveEvent Refetch = new("refetch", new LivePost(Guid.Empty, DateTimeOffset.MinValue));
}

/// <summary>
/// One open stream of one reader. Its events wait in a bounded buffer: a client that reads slower than
/// posts arrive loses the oldest, never makes the server hold more, and is told once that it missed
/// some (<see cref="TakeMissed"/>), so that it reads its timeline again.
/// </summary>
internal sealed class LiveConnection
{
    private readonly Channel<LiveEvent> _events;
    private int _missed;
    private readonly Lock _refreshGate = new();
    private FrozenSet<Guid> _followees = FrozenSet<Guid>.Empty;
    private long _refreshesStarted;
    private long _refreshApplied;

    public LiveConnection(Guid readerId, int capacity)
    {
        ReaderId = readerId;
        _events = Channel.CreateBounded<LiveEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Volatile.Write(ref _missed, 1));
    }

    public Guid ReaderId { get; }

    public ChannelReader<LiveEvent> Events => _events.Reader;

    public bool Follows(Guid authorId) => Volatile.Read(ref _followees).Contains(authorId);

    /// <summary>Numbers a read of the followees about to start (see <see cref="SetFollowees"/>).</summary>
    public long StartRefresh() => Interlocked.Increment(ref _refreshesStarted);

    /// <summary>
    /// The followees as read by refresh <paramref name="refresh"/>. Reads may finish in any order; the one
    /// started last saw every follow committed before it, so an older read finishing later is ignored.
    /// </summary>
    public void SetFollowees(long refresh, IEnumerable<Guid> followees)
    {
        var set = followees.ToFrozenSet();
        lock (_refreshGate)
        {
            if (refresh > _refreshApplied)
            {
                _refreshApplied = refresh;
                Volatile.Write(ref _followees, set);
            }
        }
    }

    public void Offer(string type, IEnumerable<LivePost> posts)
    {
        foreach (var post in posts)
        {
            _events.Writer.TryWrite(new LiveEvent(type, post));
        }
    }

    /// <summary>Events for this client may have been lost elsewhere (the bus reconnected): it is told to refetch.</summary>
    public void Missed()
    {
        Volatile.Write(ref _missed, 1);
        _events.Writer.TryWrite(LiveEvent.Refetch);
    }

    /// <summary>True once after events were dropped for this client, or <see cref="Missed"/>.</summary>
    public bool TakeMissed() => Interlocked.Exchange(ref _missed, 0) == 1;

    public void Close() => _events.Writer.TryComplete();
}
