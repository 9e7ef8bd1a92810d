using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Storage;
using Feed.Social.Posts;

namespace Feed.Social.InMemory;

/// <summary>
/// Posts in process memory: a by-id lookup beside one newest-first partition per author. A change
/// and its announcement are made under one lock, so no reader sees one without the other.
/// </summary>
internal sealed class InMemoryPostStore(InMemoryOutbox outbox, InMemoryRegisteredUsers users) : IPostStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Post> _byId = [];
    private readonly Dictionary<Guid, NewestFirstPartition<Post>> _byAuthor = [];

    public ValueTask AddAsync(Post post, OutboxMessage announcement, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            users.Require(post.UserId);
            if (!_byId.TryAdd(post.PostId, post))
            {
                throw new InvalidOperationException($"Post {post.PostId} already exists.");
            }

            if (!_byAuthor.TryGetValue(post.UserId, out var partition))
            {
                partition = new NewestFirstPartition<Post>();
                _byAuthor.Add(post.UserId, partition);
            }

            partition.TryAdd(post.PostId, post.CreatedOn, post);
            outbox.Enqueue(announcement);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<Post?> GetAsync(Guid postId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_byId.GetValueOrDefault(postId));
        }
    }

    public ValueTask<Post?> DeleteAsync(Guid postId, OutboxMessage announcement, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_byId.Remove(postId, out var post))
            {
                return ValueTask.FromResult<Post?>(null);
            }

            var partition = _byAuthor[post.UserId];
            partition.TryRemove(postId, out _);
            if (partition.Count == 0)
            {
                _byAuthor.Remove(post.UserId);
            }

            outbox.Enqueue(announcement);
            return ValueTask.FromResult<Post?>(post);
        }
    }

    public ValueTask<IReadOnlyList<Post>> ListByAuthorAsync(Guid userId, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<Post> posts = _byAuthor.TryGetValue(userId, out var partition) ? partition.ReadAfter(after, limit) : [];
            return ValueTask.FromResult(posts);
        }
    }
}
