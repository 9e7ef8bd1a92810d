using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;

namespace Feed.Social.Follows;

/// <summary>
/// Follows, kept as the design's two tables written together: <c>followers</c> (partition
/// followee_id, clustering created_on desc, follower_id desc) and its reverse <c>following</c>
/// (partition follower_id, clustering created_on desc, followee_id desc), plus the followee's
/// follower count. A change, its reverse row, the count and the change's announcement (an outbox
/// message) are stored in one atomic step; a call that changes nothing stores nothing.
/// </summary>
internal interface IFollowStore
{
    /// <summary>
    /// Records the follow unless it exists (then it keeps its original date). Atomic: of many
    /// concurrent follows of one pair exactly one reports <see cref="FollowChange.Changed"/>, and only
    /// that one stores the message <paramref name="announce"/> builds from the followee's follower
    /// count after the follow (known only inside the store's atomic step).
    /// </summary>
    ValueTask<FollowChange> FollowAsync(
        Guid followerId, Guid followeeId, DateTimeOffset followedOn, Func<long, OutboxMessage> announce, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the follow if it exists, with the message <paramref name="announce"/> builds from the
    /// followee's follower count after it; atomic like <see cref="FollowAsync"/>.
    /// </summary>
    ValueTask<FollowChange> UnfollowAsync(
        Guid followerId, Guid followeeId, Func<long, OutboxMessage> announce, CancellationToken cancellationToken);

    ValueTask<bool> IsFollowingAsync(Guid followerId, Guid followeeId, CancellationToken cancellationToken);

    /// <summary>The followee's followers, newest follow first, strictly after <paramref name="after"/> when given.</summary>
    ValueTask<IReadOnlyList<FollowEntry>> ListFollowersAsync(Guid followeeId, Cursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Whom the follower follows, newest follow first, strictly after <paramref name="after"/> when given.</summary>
    ValueTask<IReadOnlyList<FollowEntry>> ListFolloweesAsync(Guid followerId, Cursor? after, int limit, CancellationToken cancellationToken);

    /// <summary>Everyone the follower follows (one partition of <c>following</c>), newest follow first.</summary>
    ValueTask<IReadOnlyList<Guid>> ListAllFolloweeIdsAsync(Guid followerId, CancellationToken cancellationToken);

    ValueTask<long> CountFollowersAsync(Guid followeeId, CancellationToken cancellationToken);
}
