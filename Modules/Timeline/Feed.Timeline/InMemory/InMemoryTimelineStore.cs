using System.Collections.Concurrent;
using Feed.SharedKernel.Paging;
using Feed.Timeline.Lifecycle;

namespace Feed.Timeline.InMemory;

/// <summary>The timeline tables in process memory; safe for concurrent requests.</summary>
internal sealed class InMemoryTimelineStore : ITimelineStore
{
    private readonly ConcurrentDictionary<Guid, TimelinePost> _posts = new();
    private readonly Lock _postsGate = new();
    private readonly HashSet<Guid> _removedPosts = [];
    private readonly ConcurrentDictionary<Guid, EntryPartition> _timelines = new();
    private readonly ConcurrentDictionary<Guid, EntryPartition> _influencerPosts = new();
    private readonly ConcurrentDictionary<Guid, string> _fanOutProgress = new();
    private readonly Lock _readersGate = new();
    private readonly Dictionary<Guid, TimelineReader> _readers = [];

    public ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken)
    {
        // One gate for saves and removals: a save can never slip in between a removal's two steps.
        lock (_postsGate)
        {
            if (_removedPosts.Contains(post.PostId))
            {
                return ValueTask.FromResult(false);
            }

            _posts[post.PostId] = post;
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, TimelinePost>(postIds.Count);
        foreach (var postId in postIds)
        {
            if (_posts.TryGetValue(postId, out var post))
            {
                found[postId] = post;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<Guid, TimelinePost>>(found);
    }

    public ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        foreach (var userId in userIds)
        {
            _timelines.GetOrAdd(userId, static _ => new EntryPartition()).Add(entry);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken)
    {
        IReadOnlyList<TimelineEntry> rows = _timelines.TryGetValue(userId, out var partition) ? partition.Read(after, limit) : [];
        return ValueTask.FromResult(rows);
    }

    public ValueTask AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken)
    {
        _influencerPosts.GetOrAdd(entry.AuthorId, static _ => new EntryPartition()).Add(entry);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> GetInfluencerPostsAsync(
        IReadOnlyCollection<Guid> influencerIds,
        SequenceKey? after,
        int limitPerInfluencer,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, IReadOnlyList<TimelineEntry>>(influencerIds.Count);
        foreach (var influencerId in influencerIds)
        {
            if (_influencerPosts.TryGetValue(influencerId, out var partition))
            {
                var posts = partition.Read(after, limitPerInfluencer);
                if (posts.Count > 0)
                {
                    result[influencerId] = posts;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>>(result);
    }

    public ValueTask<IReadOnlyCollection<Guid>> GetAuthorsWithInfluencerPostsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken)
    {
        var pulled = new List<Guid>();
        foreach (var authorId in authorIds)
        {
            if (_influencerPosts.TryGetValue(authorId, out var partition) && !partition.IsEmpty)
            {
                pulled.Add(authorId);
            }
        }

        return ValueTask.FromResult<IReadOnlyCollection<Guid>>(pulled);
    }

    public ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken)
    {
        TimelinePost? removed;
        lock (_postsGate)
        {
            _removedPosts.Add(postId);
            _posts.TryRemove(postId, out removed);
        }

        if (_influencerPosts.TryGetValue(authorId, out var partition))
        {
            partition.Remove(postId, removed?.Key);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        var partition = _timelines.GetOrAdd(userId, static _ => new EntryPartition());
        foreach (var entry in entries)
        {
            partition.Add(entry);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        foreach (var userId in userIds)
        {
            if (_timelines.TryGetValue(userId, out var partition))
            {
                partition.RemoveKey(entry.Key);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken)
    {
        if (_timelines.TryGetValue(userId, out var partition))
        {
            partition.RemoveAuthor(authorId);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken)
    {
        lock (_readersGate)
        {
            return ValueTask.FromResult(_readers.GetValueOrDefault(userId));
        }
    }

    public ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken)
    {
        lock (_readersGate)
        {
            _readers[userId] = _readers.TryGetValue(userId, out var reader)
                ? new TimelineReader(Later(reader.LastReadOn, readOn), readOn)
                : new TimelineReader(readOn, readOn);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken)
    {
        lock (_readersGate)
        {
            if (_readers.TryGetValue(userId, out var reader))
            {
                _readers[userId] = reader with { LastReadOn = Later(reader.LastReadOn, readOn) };
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken)
    {
        lock (_readersGate)
        {
            if (_readers.TryGetValue(userId, out var reader) && reader.RebuildStartedOn == startedOn)
            {
                _readers[userId] = reader with { RebuildStartedOn = null };
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken)
    {
        var active = new List<Guid>(userIds.Count);
        lock (_readersGate)
        {
            foreach (var userId in userIds.Distinct())
            {
                if (_readers.TryGetValue(userId, out var reader) && reader.LastReadOn >= readSince)
                {
                    active.Add(userId);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyCollection<Guid>>(active);
    }

    public async ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(
        IReadOnlyCollection<Guid> userIds,
        TimelineEntry entry,
        DateTimeOffset readSince,
        CancellationToken cancellationToken)
    {
        var active = await GetActiveReadersAsync(userIds, readSince, cancellationToken);
        await AddTimelineRowsAsync(active, entry, cancellationToken);
        return active;
    }

    private static DateTimeOffset Later(DateTimeOffset left, DateTimeOffset right) => left >= right ? left : right;

    /// <summary>
    /// One partition's rows, sorted oldest first so that a new post (the common write) appends at the
    /// end; reads walk it backwards to go newest first. Partitions are never removed, so a writer can
    /// never add to a partition that a concurrent remover has just dropped.
    /// </summary>
    private sealed class EntryPartition
    {
        private static readonly Comparer<TimelineEntry> OldestFirst =
            Comparer<TimelineEntry>.Create(static (left, right) => right.Key.CompareTo(left.Key));

        private readonly Lock _gate = new();
        private readonly List<TimelineEntry> _entries = [];

        public bool IsEmpty
        {
            get
            {
                lock (_gate)
                {
                    return _entries.Count == 0;
                }
            }
        }

        public void Add(TimelineEntry entry)
        {
            lock (_gate)
            {
                var index = _entries.BinarySearch(entry, OldestFirst);
                if (index < 0)
                {
                    _entries.Insert(~index, entry);
                }
            }
        }

        public List<TimelineEntry> Read(SequenceKey? after, int limit)
        {
            lock (_gate)
            {
                // Newest first is backwards from the end; "strictly after the cursor" is strictly below its slot.
                var start = _entries.Count - 1;
                if (after is { } cursor)
                {
                    var index = _entries.BinarySearch(new TimelineEntry(cursor, Guid.Empty), OldestFirst);
                    start = index >= 0 ? index - 1 : ~index - 1;
                }

                var count = Math.Min(limit, start + 1);
                var page = new List<TimelineEntry>(Math.Max(count, 0));
                for (var i = start; i > start - count; i--)
                {
                    page.Add(_entries[i]);
                }

                return page;
            }
        }

        public void Remove(Guid postId, SequenceKey? key)
        {
            lock (_gate)
            {
                if (key is { } known)
                {
                    var index = _entries.BinarySearch(new TimelineEntry(known, Guid.Empty), OldestFirst);
                    if (index >= 0)
                    {
                        _entries.RemoveAt(index);
                        return;
                    }
                }

                // The read model no longer knew the post's key (e.g. a repeated delete): look it up by id.
                _entries.RemoveAll(entry => entry.PostId == postId);
            }
        }

        public void RemoveKey(SequenceKey key)
        {
            lock (_gate)
            {
                var index = _entries.BinarySearch(new TimelineEntry(key, Guid.Empty), OldestFirst);
                if (index >= 0)
                {
                    _entries.RemoveAt(index);
                }
            }
        }

        public void RemoveAuthor(Guid authorId)
        {
            lock (_gate)
            {
                _entries.RemoveAll(entry => entry.AuthorId == authorId);
            }
        }
    }

    public ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_fanOutProgress.TryGetValue(postId, out var cursor) ? cursor : null);

    public ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken)
    {
        if (followerCursor is null)
        {
            _fanOutProgress.TryRemove(postId, out _);
        }
        else
        {
            _fanOutProgress[postId] = followerCursor;
        }

        return ValueTask.CompletedTask;
    }
}
