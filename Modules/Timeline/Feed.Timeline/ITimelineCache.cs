using Feed.SharedKernel.Paging;

namespace Feed.Timeline;

/// <summary>
/// A cache in front of the timeline stores (<see cref="ITimelineRowStore"/>, <see cref="ITimelinePostStore"/>)
/// for the hot reads: the newest entries of each user's <c>timeline</c> and each influencer's <c>influencer_posts</c>, and post details for
/// hydration. The store is written first (but for a deletion's mark, which only hides) and stays the only source of truth: the cache may
/// be empty, capped or unreachable, so every read answers "hit" only for what it can vouch for and
/// a miss sends the caller to the store. No method throws because the cache is unreachable; such
/// failures are logged and reads count as misses.
/// </summary>
internal interface ITimelineCache
{
    /// <summary>
    /// The newest entries kept per cached list. A list filled with fewer entries than this is known
    /// to be the whole list.
    /// </summary>
    int Capacity { get; }

    /// <summary>
    /// For each owner's list, the cached entries strictly after <paramref name="after"/>, newest
    /// first, at most <paramref name="limit"/>. A hit holds exactly what the store would answer,
    /// as far as it goes (see <see cref="CachedRange"/>). Owners absent from the hits are misses;
    /// when <see cref="CachedRanges.Fill"/> is set, the caller may read their newest
    /// <see cref="Capacity"/> + 1 entries from the store (after this call) and hand them to
    /// <see cref="FillAsync"/>.
    /// </summary>
    ValueTask<CachedRanges> ReadAsync(CachedList list, IReadOnlyList<Guid> ownerIds, SequenceKey? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Caches the store's newest entries of the lists a read missed, read from the store after that
    /// read: up to <see cref="Capacity"/> + 1 per owner, newest first (at most <see cref="Capacity"/>
    /// are kept; fewer than that means the whole list). Entries written concurrently are kept.
    /// </summary>
    ValueTask FillAsync(CachedList list, CacheFill fill, IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>> newest, CancellationToken cancellationToken);

    /// <summary>
    /// After the store has the entry: adds it to each owner's list that is cached (one round trip
    /// for the whole batch), keeping the newest <see cref="Capacity"/>. Lists not cached stay absent.
    /// </summary>
    ValueTask AddAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken);

    /// <summary>After the store saved a new post: caches its details with its author's name, so that no read needs the store for them.</summary>
    ValueTask AddPostAsync(TimelinePost post, string authorName, CancellationToken cancellationToken);

    /// <summary>Before the store drops the post (a mark that only hides cannot be early): marks its details deleted and drops its author's influencer_posts entry.</summary>
    ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken);

    /// <summary>
    /// The cached details of <paramref name="postIds"/> with their authors' names, and which of them are
    /// known to be deleted. With <paramref name="seen"/> (from the read's <see cref="ReadReaderAsync"/>),
    /// details this process keeps may answer, since every deletion done before that read is known.
    /// </summary>
    ValueTask<CachedPosts> GetPostsAsync(IReadOnlyCollection<Guid> postIds, DeletionsSeen? seen, CancellationToken cancellationToken);

    /// <summary>
    /// Caches post details read from the store after the <see cref="GetPostsAsync"/> that issued
    /// <paramref name="fill"/>, with their authors' names (a post whose author has none here is not
    /// cached); a deleted post is never brought back.
    /// </summary>
    ValueTask FillPostsAsync(CacheFill fill, IReadOnlyCollection<TimelinePost> posts, IReadOnlyDictionary<Guid, string> authorNames, CancellationToken cancellationToken);

    /// <summary>
    /// After the store removed the entry from each owner's list (a deleted post's rows): removes it
    /// from those lists that are cached (one round trip for the whole batch).
    /// </summary>
    ValueTask RemoveAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// After the store changed these lists other than by adding new entries at their head (a backfill
    /// of older posts, an unfollow's removal): forgets them, so that their next read fills them from the
    /// store. A fill that read the store before the change finds its marker gone and is not applied.
    /// </summary>
    ValueTask DropAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, CancellationToken cancellationToken);

    /// <summary>
    /// The reader's cached state if it is trusted at <paramref name="now"/>; otherwise a miss, with the
    /// permission to fill it (read the store after this call, then <see cref="FillReaderAsync"/>).
    /// With <paramref name="ahead"/>, the lists it names are read in the same round trip, right behind the
    /// state, and answered in <see cref="CachedReader.Ahead"/> as <see cref="ReadAsync"/> would answer them;
    /// they are the reads of a hit that is not <see cref="CachedReader.Late"/>, read after that state.
    /// </summary>
    ValueTask<CachedReader> ReadReaderAsync(Guid readerId, DateTimeOffset now, ReadAhead? ahead, CancellationToken cancellationToken);

    /// <summary>
    /// The reader's state as this process last found it in the cache, not checked: what a read may
    /// start its other cache reads with before <see cref="ReadReaderAsync"/> answers (null: none kept).
    /// </summary>
    ReaderState? LastKnownReader(Guid readerId);

    /// <summary>Caches a reader's state read from the store after the <see cref="ReadReaderAsync"/> that issued <paramref name="fill"/>; not applied if it was dropped meanwhile.</summary>
    ValueTask FillReaderAsync(CacheFill fill, Guid readerId, ReaderState state, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>After the store changed what these readers' states hold (a follow, an unfollow, a newly pulled followee): forgets them.</summary>
    ValueTask DropReadersAsync(IReadOnlyCollection<Guid> readerIds, CancellationToken cancellationToken);

    /// <summary>
    /// True when no cached reader state can lack <paramref name="authorId"/> among its pulled followees:
    /// the author was marked (<see cref="MarkPulledAuthorAsync"/>) after their followers' states were dropped.
    /// </summary>
    ValueTask<bool> IsPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken);

    /// <summary>
    /// Marks an author as pulled in every cached reader state, once their followers' states are dropped. A
    /// mark is never taken back: an author once pulled stays pulled (<see cref="ITimelinePostStore.GetPulledAuthorsAsync"/>).
    /// </summary>
    ValueTask MarkPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken);
}

/// <summary>The newest-first lists the cache holds, each shaped like its table's partition.</summary>
internal enum CachedList
{
    /// <summary>A user's <c>timeline</c> rows. Cached rows carry no author (<see cref="Guid.Empty"/>): the design's table has none and reads need only (created_on, post_id).</summary>
    Timeline,

    /// <summary>An influencer's <c>influencer_posts</c> rows.</summary>
    InfluencerPosts,
}

/// <summary>
/// A cache hit: <see cref="Entries"/> are the list's entries strictly after the requested position,
/// newest first, as many as asked for or fewer. When fewer, either <see cref="ReachesEnd"/> (the
/// list has nothing more) or the cached window ran out: the store holds the rest, strictly after
/// the last entry (or after the requested position when there is none). <see cref="Head"/>, when
/// set, is the list as the same read found it, possibly deeper than the range cut from it.
/// </summary>
internal readonly record struct CachedRange(IReadOnlyList<TimelineEntry> Entries, bool ReachesEnd, ListHead? Head = null);

/// <summary>
/// A list's newest entries, newest first, as one read found them (<paramref name="whole"/>: the whole list).
/// A timeline read that must read on in a list (its continuation after a horizon) answers from the head its
/// first read found, as a read of the list at that moment, when the head holds enough: no second round trip.
/// </summary>
internal sealed class ListHead(TimelineEntry[] entries, bool whole)
{
    /// <summary>True when the entries strictly after <paramref name="after"/> are all here, or at least <paramref name="limit"/> of them.</summary>
    public bool Answers(SequenceKey? after, int limit) => whole || entries.Length - Start(after) >= limit;

    /// <summary>What a read of the list would answer (see <see cref="CachedRange"/>); only when <see cref="Answers"/>.</summary>
    public CachedRange Range(SequenceKey? after, int limit)
    {
        var start = Start(after);
        var count = Math.Min(limit, entries.Length - start);
        return new CachedRange(new ArraySegment<TimelineEntry>(entries, start, count), ReachesEnd: whole && start + count == entries.Length, this);
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

/// <summary>The hits of one cache read, by owner, and the permission to fill the misses (null: leave them to the store).</summary>
internal sealed record CachedRanges(IReadOnlyDictionary<Guid, CachedRange> Hits, CacheFill? Fill)
{
    public static readonly CachedRanges None = new(new Dictionary<Guid, CachedRange>(), null);
}

/// <summary>
/// Issued by a cache read, before the caller reads the store: what the cache must still find at
/// fill time for a fill to be safe. Opaque to callers; <see cref="Expected"/> is per owner.
/// </summary>
internal sealed record CacheFill(string Version, IReadOnlyDictionary<Guid, string> Expected);

/// <summary>Cached post details: found ones and their authors' names, ids known to be deleted, and the permission to fill the others (null: do not).</summary>
internal sealed record CachedPosts(IReadOnlyDictionary<Guid, TimelinePost> Found, IReadOnlyDictionary<Guid, string> AuthorNames, IReadOnlySet<Guid> Deleted, CacheFill? Fill)
{
    public static readonly CachedPosts None = new(new Dictionary<Guid, TimelinePost>(), new Dictionary<Guid, string>(), new HashSet<Guid>(), null);
}

/// <summary>
/// What a timeline read needs to know about its reader, kept in the cache so that a read needs no
/// store round trip: whom they follow, which of those have or had influencer_posts (pulled at read time), and
/// until when their read activity needs no store check (the last recorded read plus the activity margin).
/// </summary>
internal sealed record ReaderState(IReadOnlyList<Guid> Followees, IReadOnlyList<Guid> Pulled, DateTimeOffset TrustedUntil)
{
    private HashSet<Guid>? _followeeSet;

    /// <summary>The followees as a set, built once per state (a state kept in process serves many reads).</summary>
    public IReadOnlySet<Guid> FolloweeSet => _followeeSet ??= [.. Followees];
}

/// <summary>
/// A cached reader state (null: a miss), and the permission to fill it (null: do not). A hit that is
/// <see cref="Late"/> was read after the cache reads the caller started behind the lookup (so those
/// must be read again); any other hit was read before them.
/// </summary>
internal sealed record CachedReader(ReaderState? State, CacheFill? Fill, bool Late = false, DeletionsSeen? Deletions = null, ReadAheadAnswers? Ahead = null)
{
    public static readonly CachedReader None = new(null, null);
}

/// <summary>
/// The lists a timeline read asks for with its reader lookup, so that a warm read is one round trip:
/// the reader's own timeline and the lists of the influencers the reader's state last named here.
/// </summary>
internal sealed record ReadAhead(SequenceKey? After, int RowLimit, IReadOnlyList<Guid> Influencers, int InfluencerLimit);

/// <summary>The answers to a <see cref="ReadAhead"/> (influencers: null when it named none); a cache outage answers a miss.</summary>
internal sealed record ReadAheadAnswers(Task<CachedRanges> Rows, Task<CachedRanges>? Influencers);

/// <summary>Issued by a reader lookup once every post deletion done before it is known to this process (opaque to callers).</summary>
internal sealed record DeletionsSeen(string Version);
