using System.Collections.Concurrent;
using Feed.SharedKernel.Paging;

namespace Feed.Timeline.InMemory;

/// <summary>The post read model and influencer_posts in process memory; safe for concurrent requests.</summary>
internal sealed class InMemoryTimelinePostStore : ITimelinePostStore
{
    private readonly ConcurrentDictionary<Guid, TimelinePost> _posts = new();
    private readonly Lock _postsGate = new();
    private readonly HashSet<Guid> _removedPosts = [];
    private readonly ConcurrentDictionary<Guid, EntryPartition> _influencerPosts = new();

    public ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken)
    {
        // One gate for saves, influencer_posts writes and removals: neither can slip in between a removal's steps.
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

    public ValueTask<bool> AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken)
    {
        // Under the saves' gate: a removal marks the post before it takes the entry out, so the entry is
        // either added before the removal takes it out or refused.
        lock (_postsGate)
        {
            if (_removedPosts.Contains(entry.PostId))
            {
                return ValueTask.FromResult(false);
            }

            _influencerPosts.GetOrAdd(entry.AuthorId, static _ => new EntryPartition()).Add(entry);
            return ValueTask.FromResult(true);
        }
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

    // A partition is never removed, even when its last entry is: it is the record that the author ever had one.
    public ValueTask<IReadOnlyCollection<Guid>> GetPulledAuthorsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyCollection<Guid>>([.. authorIds.Distinct().Where(_influencerPosts.ContainsKey)]);

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
}
