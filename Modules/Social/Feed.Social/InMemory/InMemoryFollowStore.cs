using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Storage;
using Feed.Social.Follows;

namespace Feed.Social.InMemory;

/// <summary>
/// Follows in process memory: the <c>followers</c> and <c>following</c> partitions, changed
/// together under one lock so a follow, its reverse row, the count and the announcement never disagree.
/// </summary>
internal sealed class InMemoryFollowStore(InMemoryOutbox outbox, InMemoryRegisteredUsers users) : IFollowStore
{
    private readonly Lock _gate = new();

    // followee_id → its followers; the row id is the follower.
    private readonly Dictionary<Guid, NewestFirstPartition<FollowEntry>> _followers = [];

    // follower_id → whom it follows; the row id is the followee.
    private readonly Dictionary<Guid, NewestFirstPartition<FollowEntry>> _following = [];

    public ValueTask<FollowChange> FollowAsync(
        Guid followerId, Guid followeeId, DateTimeOffset followedOn, Func<long, OutboxMessage> announce, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            users.Require(followerId, followeeId);
            var existing = _followers.GetValueOrDefault(followeeId);
            if (existing is not null && existing.Contains(followerId))
            {
                return ValueTask.FromResult(new FollowChange(false, existing.Count));
            }

            // Built before anything changes: a failure here leaves no half-made follow behind.
            var announcement = announce((existing?.Count ?? 0) + 1);
            var followers = PartitionOf(_followers, followeeId);
            followers.TryAdd(followerId, followedOn, new FollowEntry(followerId, followedOn));
            PartitionOf(_following, followerId).TryAdd(followeeId, followedOn, new FollowEntry(followeeId, followedOn));
            outbox.Enqueue(announcement);
            return ValueTask.FromResult(new FollowChange(true, followers.Count));
        }
    }

    public ValueTask<FollowChange> UnfollowAsync(
        Guid followerId, Guid followeeId, Func<long, OutboxMessage> announce, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_followers.TryGetValue(followeeId, out var followers) || !followers.Contains(followerId))
            {
                return ValueTask.FromResult(new FollowChange(false, followers?.Count ?? 0));
            }

            var announcement = announce(followers.Count - 1);
            followers.TryRemove(followerId, out _);
            var following = _following[followerId];
            following.TryRemove(followeeId, out _);
            DropIfEmpty(_following, followerId, following);
            DropIfEmpty(_followers, followeeId, followers);
            outbox.Enqueue(announcement);
            return ValueTask.FromResult(new FollowChange(true, followers.Count));
        }
    }

    public ValueTask<bool> IsFollowingAsync(Guid followerId, Guid followeeId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_followers.TryGetValue(followeeId, out var followers) && followers.Contains(followerId));
        }
    }

    public ValueTask<IReadOnlyList<FollowEntry>> ListFollowersAsync(Guid followeeId, Cursor? after, int limit, CancellationToken cancellationToken) =>
        Read(_followers, followeeId, after, limit);

    public ValueTask<IReadOnlyList<FollowEntry>> ListFolloweesAsync(Guid followerId, Cursor? after, int limit, CancellationToken cancellationToken) =>
        Read(_following, followerId, after, limit);

    public ValueTask<IReadOnlyList<Guid>> ListAllFolloweeIdsAsync(Guid followerId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<Guid> ids = _following.TryGetValue(followerId, out var following)
                ? following.ReadAll().Select(entry => entry.UserId).ToArray()
                : [];
            return ValueTask.FromResult(ids);
        }
    }

    public ValueTask<long> CountFollowersAsync(Guid followeeId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<long>(_followers.TryGetValue(followeeId, out var followers) ? followers.Count : 0);
        }
    }

    private ValueTask<IReadOnlyList<FollowEntry>> Read(
        Dictionary<Guid, NewestFirstPartition<FollowEntry>> table, Guid partitionKey, Cursor? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        lock (_gate)
        {
            IReadOnlyList<FollowEntry> entries = table.TryGetValue(partitionKey, out var partition) ? partition.ReadAfter(after, limit) : [];
            return ValueTask.FromResult(entries);
        }
    }

    private static NewestFirstPartition<FollowEntry> PartitionOf(Dictionary<Guid, NewestFirstPartition<FollowEntry>> table, Guid key)
    {
        if (!table.TryGetValue(key, out var partition))
        {
            partition = new NewestFirstPartition<FollowEntry>();
            table.Add(key, partition);
        }

        return partition;
    }

    private static void DropIfEmpty(Dictionary<Guid, NewestFirstPartition<FollowEntry>> table, Guid key, NewestFirstPartition<FollowEntry> partition)
    {
        if (partition.Count == 0)
        {
            table.Remove(key);
        }
    }
}
