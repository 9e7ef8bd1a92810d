using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// The store reads of a timeline page, answered from the cache where it can vouch for them. Every
/// method returns exactly what the same store method would (cached timeline rows carry no author),
/// so the merge's guarantees do not depend on the cache:
/// <list type="bullet">
/// <item>a hit that falls short of the limit without reaching the list's end is continued from
/// the store, strictly after its last entry (the cache keeps only the newest entries);</item>
/// <item>a miss is filled: the newest <see cref="ITimelineCache.Capacity"/> + 1 entries are read from
/// the store, cached, and the answer is cut from them (continued from the store when needed);</item>
/// <item>a miss the cache cannot take (none configured, Redis down) is read from the store as is;</item>
/// <item>reading on in an influencer list this read has already found (the merge's continuation) is
/// answered from the head found (<see cref="ListHeads"/>) when it holds enough, with no cache read.</item>
/// </list>
/// Posts come with their authors' usernames (<see cref="AuthorNames"/>): cached with the details, asked
/// from Users only for posts the cache did not have.
/// </summary>
internal sealed partial class TimelineReads(ITimelinePostStore postStore, ITimelineRowStore rowStore, ITimelineCache cache, AuthorNameLookup lookUpAuthorNames)
{
    private readonly Dictionary<Guid, string> _authorNames = [];
    private readonly ListHeads _heads = new();

    /// <summary>What the read's reader lookup learned of deletions: lets the cache answer post details from its kept copies.</summary>
    public DeletionsSeen? DeletionsSeen { get; set; }

    /// <summary>The usernames of the authors of every post returned by <see cref="GetPostsAsync"/> (an author unknown to Users is absent).</summary>
    public IReadOnlyDictionary<Guid, string> AuthorNames => _authorNames;

    public async ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(CachedList.Timeline, [userId], after, limit, cancellationToken);
        return rows.TryGetValue(userId, out var found) ? found : [];
    }

    /// <summary>Each influencer's entries, as the store answers them; may also hold other influencers' (the answer the prefetch shares with every group): look up your own.</summary>
    public async ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> GetInfluencerPostsAsync(
        IReadOnlyList<Guid> influencerIds,
        SequenceKey? after,
        int limitPerInfluencer,
        CancellationToken cancellationToken)
    {
        // Reading on in lists this read has found (not a first read a prefetch answers): from their heads, when deep enough.
        if (after is not { } position
            || HasPrefetched(influencerIds, after, limitPerInfluencer)
            || _heads.Answer(influencerIds, position, limitPerInfluencer) is not { } fromHeads)
        {
            return await ReadAsync(CachedList.InfluencerPosts, influencerIds, after, limitPerInfluencer, cancellationToken);
        }

        var (answered, unanswered) = fromHeads;

        if (unanswered.Count > 0)
        {
            foreach (var (influencerId, entries) in await ReadAsync(CachedList.InfluencerPosts, unanswered, after, limitPerInfluencer, cancellationToken))
            {
                answered[influencerId] = entries;
            }
        }

        return answered;
    }

    /// <summary>The posts among <paramref name="postIds"/> that exist; cached details first, the store for the rest.</summary>
    public async ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken)
    {
        var cached = await cache.GetPostsAsync(postIds, DeletionsSeen, cancellationToken);
        foreach (var (authorId, name) in cached.AuthorNames)
        {
            _authorNames[authorId] = name;
        }

        if (cached.Found.Count + cached.Deleted.Count == postIds.Count)
        {
            return cached.Found;
        }

        var unknown = new List<Guid>(postIds.Count - cached.Found.Count);
        foreach (var postId in postIds)
        {
            if (!cached.Found.ContainsKey(postId) && !cached.Deleted.Contains(postId))
            {
                unknown.Add(postId);
            }
        }

        var stored = await postStore.GetPostsAsync(unknown, cancellationToken);
        await AddAuthorNamesAsync(stored.Values, cancellationToken);
        if (cached.Fill is { } fill && stored.Count > 0)
        {
            await cache.FillPostsAsync(fill, stored.Values.ToList(), _authorNames, cancellationToken);
        }

        if (cached.Found.Count == 0)
        {
            return stored;
        }

        var found = new Dictionary<Guid, TimelinePost>(cached.Found);
        foreach (var (postId, post) in stored)
        {
            found[postId] = post;
        }

        return found;
    }

    /// <summary>One Users query for the authors of <paramref name="posts"/> whose names are not known yet.</summary>
    private async ValueTask AddAuthorNamesAsync(IEnumerable<TimelinePost> posts, CancellationToken cancellationToken)
    {
        HashSet<Guid>? missing = null;
        foreach (var post in posts)
        {
            if (!_authorNames.ContainsKey(post.AuthorId))
            {
                (missing ??= []).Add(post.AuthorId);
            }
        }

        if (missing is null)
        {
            return;
        }

        foreach (var (authorId, name) in await lookUpAuthorNames(missing, cancellationToken))
        {
            _authorNames[authorId] = name;
        }
    }

    private async ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> ReadAsync(
        CachedList list,
        IReadOnlyList<Guid> ownerIds,
        SequenceKey? after,
        int limit,
        CancellationToken cancellationToken)
    {
        PrefetchedRanges? prefetched = null;
        if (list == CachedList.InfluencerPosts)
        {
            prefetched = _prefetched is { } started && started.Answers(ownerIds, after, limit) ? started : null;
        }
        else if (_prefetchedRows is { } rows && rows.Answers(ownerIds, after, limit))
        {
            // Rows read ahead answer the first read only.
            (prefetched, _prefetchedRows) = (rows, null);
        }

        if (prefetched is not null && list == CachedList.InfluencerPosts)
        {
            _heads.Remember((await prefetched.Ranges).Hits);
        }

        if (prefetched is not null && await prefetched.CompleteForAsync(ownerIds) is { } complete)
        {
            // The warm case: every list a whole answer in the prefetch, shared by all the groups as it is.
            return complete;
        }

        var result = new Dictionary<Guid, IReadOnlyList<TimelineEntry>>(ownerIds.Count);
        var cached = prefetched is not null
            ? await prefetched.ForAsync(ownerIds)
            : await cache.ReadAsync(list, ownerIds, after, limit, cancellationToken);
        if (list == CachedList.InfluencerPosts && prefetched is null)
        {
            _heads.Remember(cached.Hits);
        }

        var ranges = new Dictionary<Guid, CachedRange>(cached.Hits);

        if (cached.Fill is { Expected.Count: > 0 } fill)
        {
            var missed = fill.Expected.Keys.ToList();
            var newest = await ReadStoreAsync(list, missed, after: null, cache.Capacity + 1, cancellationToken);
            await cache.FillAsync(list, fill, newest, cancellationToken);
            foreach (var ownerId in missed)
            {
                IReadOnlyList<TimelineEntry> rows = newest.TryGetValue(ownerId, out var found) ? found : [];
                ranges[ownerId] = Cut(rows, after, limit, reachesEnd: rows.Count <= cache.Capacity);
            }
        }

        List<Guid>? uncached = null;
        foreach (var ownerId in ownerIds)
        {
            if (!ranges.ContainsKey(ownerId))
            {
                (uncached ??= []).Add(ownerId);
            }
        }

        if (uncached is not null)
        {
            foreach (var (ownerId, rows) in await ReadStoreAsync(list, uncached, after, limit, cancellationToken))
            {
                Keep(result, ownerId, rows);
            }
        }

        // Hits cut short by the end of the cached window: the store continues after their last entry.
        // Lists sharing that position (usually those with no cached entry after the cursor) share a read.
        Dictionary<(bool HasPosition, SequenceKey Position), List<Guid>>? continuations = null;
        foreach (var (ownerId, range) in ranges)
        {
            if (range.Entries.Count >= limit || range.ReachesEnd)
            {
                Keep(result, ownerId, range.Entries);
                continue;
            }

            var position = range.Entries.Count > 0 ? (true, range.Entries[^1].Key) : (after.HasValue, after.GetValueOrDefault());
            continuations ??= [];
            if (!continuations.TryGetValue(position, out var owners))
            {
                continuations[position] = owners = [];
            }

            owners.Add(ownerId);
        }

        foreach (var (position, owners) in continuations ?? [])
        {
            var needed = 0;
            foreach (var ownerId in owners)
            {
                needed = Math.Max(needed, limit - ranges[ownerId].Entries.Count);
            }

            var rest = await ReadStoreAsync(list, owners, position.HasPosition ? position.Position : null, needed, cancellationToken);
            foreach (var ownerId in owners)
            {
                var cachedEntries = ranges[ownerId].Entries;
                var joined = new List<TimelineEntry>(limit);
                joined.AddRange(cachedEntries);
                if (rest.TryGetValue(ownerId, out var more))
                {
                    joined.AddRange(more.Take(limit - cachedEntries.Count));
                }

                Keep(result, ownerId, joined);
            }
        }

        return result;
    }

    /// <summary>The entries of a newest-first window strictly after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    private static CachedRange Cut(IReadOnlyList<TimelineEntry> window, SequenceKey? after, int limit, bool reachesEnd)
    {
        var start = 0;
        if (after is { } position)
        {
            while (start < window.Count && window[start].Key <= position)
            {
                start++;
            }
        }

        var count = Math.Min(limit, window.Count - start);
        var entries = new TimelineEntry[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = window[start + i];
        }

        return new CachedRange(entries, reachesEnd);
    }

    /// <summary>Like the store: lists with no entries are left out.</summary>
    private static void Keep(Dictionary<Guid, IReadOnlyList<TimelineEntry>> result, Guid ownerId, IReadOnlyList<TimelineEntry> entries)
    {
        if (entries.Count > 0)
        {
            result[ownerId] = entries;
        }
    }

    private async ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> ReadStoreAsync(
        CachedList list,
        List<Guid> ownerIds,
        SequenceKey? after,
        int limit,
        CancellationToken cancellationToken)
    {
        if (list == CachedList.InfluencerPosts)
        {
            return await postStore.GetInfluencerPostsAsync(ownerIds, after, limit, cancellationToken);
        }

        // The timeline table is read one partition (user) at a time; a page reads one user's.
        var rows = new Dictionary<Guid, IReadOnlyList<TimelineEntry>>(ownerIds.Count);
        foreach (var userId in ownerIds)
        {
            rows[userId] = await rowStore.GetTimelineRowsAsync(userId, after, limit, cancellationToken);
        }

        return rows;
    }
}
