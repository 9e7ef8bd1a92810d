using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>A merged page: existing posts in page order, and where the next page starts (null on the last page).</summary>
internal sealed record MergedTimelinePage(IReadOnlyList<TimelinePost> Posts, SequenceKey? Next);

/// <summary>
/// Merges newest-first sources into one page that is provably complete.
/// <para>
/// A source read with a limit may hide, beyond its last fetched entry (its horizon), entries that
/// are newer than what other sources returned. Every unfetched entry of a source sorts after its
/// horizon, so with H the earliest horizon of the sources that have more, every entry up to H has
/// been fetched: the merged entries up to H are complete and in order ("safe"); later ones are not.
/// </para>
/// <para>
/// The page is cut only from safe entries. Until there are limit + 1 safe, existing entries (one more
/// than the page, so a next cursor always leads to a non-empty page) or no source has more, the
/// sources sitting at H read another, larger chunk; each such read moves H strictly forward, so the
/// loop ends. Entries whose post is gone from the read model are dropped before counting, so pages
/// stay full; the same post from two sources counts once.
/// </para>
/// </summary>
internal static class TimelineMerge
{
    public static async ValueTask<MergedTimelinePage> ReadPageAsync(
        IReadOnlyList<ITimelineSource> sources,
        int limit,
        TimelineReads reads,
        IReadOnlySet<Guid> visibleAuthors,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var wanted = limit + 1;
        await FetchAsync(sources, horizon: null, wanted, cancellationToken);

        // Posts known to exist; an id looked up but absent here is a deleted post.
        var posts = new Dictionary<Guid, TimelinePost>(wanted);
        var lookedUp = new HashSet<Guid>();
        var safe = new List<TimelineEntry>(wanted);
        List<Guid>? unknown = null;
        while (true)
        {
            var horizon = SafeHorizon(sources);
            CollectSafe(sources, horizon, lookedUp, posts, safe, wanted);
            if (safe.Count < wanted && horizon is { } blockedAt)
            {
                // Too few complete entries: read on from the sources holding the horizon back.
                await FetchAsync(sources, blockedAt, wanted - safe.Count, cancellationToken);
                EnsureAdvanced(sources, blockedAt);
                continue;
            }

            // The page is decided unless some of it was deleted. Check existence of exactly these
            // entries (usually one read per page, which also hydrates it).
            unknown?.Clear();
            foreach (var entry in safe)
            {
                if (!lookedUp.Contains(entry.PostId))
                {
                    (unknown ??= new List<Guid>(safe.Count)).Add(entry.PostId);
                }
            }

            if (unknown is not { Count: > 0 })
            {
                break;
            }

            var found = await reads.GetPostsAsync(unknown, cancellationToken);
            foreach (var postId in unknown)
            {
                lookedUp.Add(postId);
                // A post by an author the reader does not follow (any more) is dropped like a deleted one.
                if (found.TryGetValue(postId, out var post) && visibleAuthors.Contains(post.AuthorId))
                {
                    posts[postId] = post;
                }
            }

            // Deleted posts drop out when collecting again, and later entries move up.
        }

        var count = Math.Min(limit, safe.Count);
        var page = new TimelinePost[count];
        for (var i = 0; i < count; i++)
        {
            page[i] = posts[safe[i].PostId];
        }

        // Here either limit + 1 safe, existing entries were found, or no source has more: so there is a
        // next page exactly when an existing entry follows this page's last one.
        SequenceKey? next = safe.Count > limit ? safe[limit - 1].Key : null;
        return new MergedTimelinePage(page, next);
    }

    /// <summary>The earliest horizon of the sources that have more; null when every source is exhausted.</summary>
    private static SequenceKey? SafeHorizon(IReadOnlyList<ITimelineSource> sources)
    {
        SequenceKey? horizon = null;
        foreach (var source in sources)
        {
            if (source.HasMore && (horizon is null || source.Horizon < horizon.Value))
            {
                horizon = source.Horizon;
            }
        }

        return horizon;
    }

    /// <summary>
    /// The loop ends because every read moves its source's horizon strictly forward; a store that
    /// breaks the "strictly after" contract would loop forever, so fail loudly instead.
    /// </summary>
    private static void EnsureAdvanced(IReadOnlyList<ITimelineSource> sources, SequenceKey previousHorizon)
    {
        foreach (var source in sources)
        {
            if (source.HasMore && source.Horizon <= previousHorizon)
            {
                throw new InvalidOperationException($"Timeline source {source.GetType().Name} did not advance past its horizon.");
            }
        }
    }

    /// <summary>
    /// k-way merge of the sources' fetched entries up to the horizon, skipping duplicates and known
    /// deleted posts, until <paramref name="wanted"/> entries are collected.
    /// </summary>
    private static void CollectSafe(
        IReadOnlyList<ITimelineSource> sources,
        SequenceKey? horizon,
        HashSet<Guid> lookedUp,
        Dictionary<Guid, TimelinePost> posts,
        List<TimelineEntry> into,
        int wanted)
    {
        into.Clear();
        Span<int> next = sources.Count <= 128 ? stackalloc int[sources.Count] : new int[sources.Count];
        SequenceKey? previous = null;
        while (into.Count < wanted)
        {
            var best = -1;
            var bestKey = default(SequenceKey);
            for (var s = 0; s < sources.Count; s++)
            {
                var entries = sources[s].Entries;
                if (next[s] < entries.Count && (best < 0 || entries[next[s]].Key < bestKey))
                {
                    best = s;
                    bestKey = entries[next[s]].Key;
                }
            }

            if (best < 0 || (horizon is { } safeUpTo && bestKey > safeUpTo))
            {
                return;
            }

            var entry = sources[best].Entries[next[best]++];

            // Equal keys are the same post (the key ends with post_id) reached through two sources.
            if (previous == entry.Key)
            {
                continue;
            }

            previous = entry.Key;
            if (lookedUp.Contains(entry.PostId) && !posts.ContainsKey(entry.PostId))
            {
                continue;
            }

            into.Add(entry);
        }
    }

    /// <summary>
    /// Reads the next chunk of every source sitting at <paramref name="horizon"/> (all sources when it
    /// is null: the first read), concurrently.
    /// </summary>
    private static async ValueTask FetchAsync(IReadOnlyList<ITimelineSource> sources, SequenceKey? horizon, int wanted, CancellationToken cancellationToken)
    {
        List<Task>? pending = null;
        foreach (var source in sources)
        {
            if (horizon is { } at && !(source.HasMore && source.Horizon == at))
            {
                continue;
            }

            var fetch = source.FetchAsync(wanted, cancellationToken);
            if (fetch.IsCompletedSuccessfully)
            {
                fetch.GetAwaiter().GetResult();
            }
            else
            {
                (pending ??= []).Add(fetch.AsTask());
            }
        }

        if (pending is not null)
        {
            await Task.WhenAll(pending);
        }
    }
}
