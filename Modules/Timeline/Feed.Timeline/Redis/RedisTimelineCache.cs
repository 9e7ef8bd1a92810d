using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// The timeline cache in Redis. Key layout (prefix <c>Feed:Timeline:CacheKeyPrefix</c>, ids as 32 hex):
/// <list type="bullet">
/// <item><c>timeline:{user_id}</c>, <c>influencer-posts:{influencer_id}</c> (here the braces are literal: hash tags): sorted sets, score =
/// created_on (Unix ms), member = created_on then post_id, 24 bytes big-endian (<see cref="EntryMember"/>), so
/// that a read needs no scores (Redis formats every score it returns as text, which costs it more than
/// the range read itself); read with ZRANGE REV, equal scores come in descending member order, which is
/// descending post_id: the store's (created_on, post_id) order. Newest <c>CacheSize</c> kept; layout
/// details in <see cref="RedisTimelineScripts"/>.</item>
/// <item><c>influencer-posts-token:{influencer_id}</c> (braces literal): the list's change token, for the copies processes keep (<see cref="KeptCopies{TCopy}"/>).</item>
/// <item><c>post:{post_id}</c>: the post's details (JSON, with the author's username), or "deleted" once it is deleted.</item>
/// <item><c>deleted-posts</c>: a stream of the deletions of the last minutes (field <c>p</c>: the post id), read by every process that keeps post details (<see cref="KeptPosts"/>).</item>
/// <item><c>reader:{user_id}</c> (braces literal: in its timeline's slot), <c>pulled-authors</c>: reader states (<see cref="ReaderState"/>) and the
/// authors they account for as pulled.</item>
/// <item><c>timeline-cache:version</c>: the current cache version.</item>
/// </list>
/// <para>
/// Missed writes. A list is filled from the store on a read miss and then kept up to date by
/// fan-out; a write that fails (Redis down, timeout) leaves it stale. Every list and post records the
/// cache version it was filled under and is trusted only while that is the current version. A
/// failed write or a lost connection makes this process distrust the cache: before its next cache
/// read or write it sets a new random version (one SET), so everything cached before is refilled on its next
/// read. A failed write also starts that renewal in the background, retried until Redis takes it, so
/// that it does not wait for a call this process may never make. Processes also start distrustful (a
/// predecessor may have died with failures unreported).
/// Fills stay safe under concurrent writes because a reader places a fill marker before it reads
/// the store, writers add to any list that exists, and the fill applies only if the marker it saw
/// is still there. Limit: with several processes, another one may serve a list made stale by this
/// process's failed write until this process reaches Redis again (and renews the version).
/// </para>
/// <para>
/// Outages: commands fail fast (no backlog), failures are logged once per outage and every call
/// degrades to a miss or a skipped write, so the caller carries on against the store.
/// </para>
/// </summary>
internal sealed partial class RedisTimelineCache : ITimelineCache, IDisposable
{
    private const string EndMember = "end";
    private const string FilledPrefix = "v:";
    private const string FillingPrefix = "filling:";
    private const string DeletedValue = "deleted";
    private const int EntryMemberBytes = sizeof(long) + 16;
    private static readonly byte[] EndBytes = System.Text.Encoding.ASCII.GetBytes(EndMember);
    private static readonly byte[] FilledPrefixBytes = System.Text.Encoding.ASCII.GetBytes(FilledPrefix);
    private static readonly byte[] FillingPrefixBytes = System.Text.Encoding.ASCII.GetBytes(FillingPrefix);

    /// <summary>
    /// A filled list's marker: "v:", the version it was filled under, then an id of this fill's own. A fill
    /// applies only over the marker its read saw; were filled markers shared, a fill expecting a stale list's
    /// marker would also take that list after a drop and a refill by a reader still under the old version.
    /// The id is 64 random bits, so the marker stays 51 bytes: a member over 64 bytes
    /// (<c>zset-max-listpack-value</c>) would turn every list from a listpack into a skiplist, three times the memory.
    /// </summary>
    private static string FilledMarker(string version) => $"{FilledPrefix}{version}:{Random.Shared.NextInt64():x16}";

    /// <summary>
    /// True for a list's marker written by a fill under the version whose "v:&lt;version&gt;" is <paramref name="filled"/>:
    /// followed by its fill's id, or by nothing when a process of the release before fill ids filled it.
    /// </summary>
    private static bool IsFilledUnder(RedisValue marker, ReadOnlySpan<byte> filled)
    {
        var bytes = ((ReadOnlyMemory<byte>)marker).Span;
        return bytes.StartsWith(filled) && (bytes.Length == filled.Length || bytes[filled.Length] == (byte)':');
    }

    /// <summary>Lists one read or add script handles at most: a hundred keep each call well under a millisecond of Redis time.</summary>
    private const int ListsPerScript = 100;

    // Lists expire a week after their fill (a read does not extend them): inactive users' lists go, active ones are refilled.
    private static readonly long ListSeconds = (long)TimeSpan.FromDays(7).TotalSeconds;
    private static readonly long FillMarkerSeconds = (long)TimeSpan.FromMinutes(1).TotalSeconds;

    private readonly IConnectionMultiplexer _redis;
    private readonly int _database;
    private readonly string _prefix;
    private readonly RedisKey _versionKey;
    private readonly ILogger<RedisTimelineCache> _logger;
    private readonly SemaphoreSlim _renewal = new(1, 1);
    private readonly KeptCopies<KeptList>? _kept;
    private readonly KeptCopies<KeptReader>? _keptReaders;
    private readonly KeptPosts? _keptPosts;
    private readonly RedisKey _deletionsKey;
    private readonly TimelineMetrics? _metrics;

    // Failed writes and lost connections so far, and how many of them the current version covers.
    private long _failures = 1;
    private long _covered;
    private int _degraded;

    public RedisTimelineCache(IConnectionMultiplexer redis, IOptions<TimelineOptions> options, ILogger<RedisTimelineCache> logger, int database = -1, TimelineMetrics? metrics = null)
    {
        _metrics = metrics;
        _redis = redis;
        _database = database;
        _prefix = options.Value.CacheKeyPrefix;
        Capacity = options.Value.CacheSize;
        _versionKey = _prefix + "timeline-cache:version";
        _logger = logger;
        _kept = options.Value.KeptInfluencerLists > 0 ? new KeptCopies<KeptList>(options.Value.KeptInfluencerLists) : null;
        _keptReaders = options.Value.KeptReaderStates > 0 ? new KeptCopies<KeptReader>(options.Value.KeptReaderStates) : null;
        _keptPosts = options.Value.KeptPosts > 0 ? new KeptPosts(options.Value.KeptPosts) : null;
        _deletionsKey = _prefix + "deleted-posts";
        _redis.ConnectionFailed += OnConnectionFailed;
    }

    public int Capacity { get; }

    private IDatabase Database => _redis.GetDatabase(_database);

    public void Dispose()
    {
        _redis.ConnectionFailed -= OnConnectionFailed;
        _stopping.Cancel();
        _stopping.Dispose();
        // _renewal is not disposed: a renewal in flight (a background one, at shutdown in an outage) still
        // releases it, and its waiters must not be dropped; it holds no wait handle to free.
    }
}
