using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;

namespace Feed.Social.Posts;

/// <summary>
/// The <c>posts</c> table: partition user_id, clustering (created_on desc, post_id desc).
/// Reads by post id alone need a lookup by post_id beside it (a unique index, or a small
/// post_id → user_id table in a wide-column store). Every change is stored together with its
/// announcement (an outbox message), atomically: both or neither.
/// </summary>
internal interface IPostStore
{
    /// <summary>Saves the post and its <see cref="Contracts.PostCreated"/> announcement in one atomic step.</summary>
    /// <exception cref="InvalidOperationException">A post with this id exists; nothing is stored.</exception>
    ValueTask AddAsync(Post post, OutboxMessage announcement, CancellationToken cancellationToken);

    ValueTask<Post?> GetAsync(Guid postId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the post and stores <paramref name="announcement"/> in the same atomic step, and
    /// returns the removed post; when there was no such post (already deleted) returns null and
    /// stores nothing, so of concurrent deletes exactly one announces.
    /// </summary>
    ValueTask<Post?> DeleteAsync(Guid postId, OutboxMessage announcement, CancellationToken cancellationToken);

    /// <summary>
    /// The author's posts newest first (created_on desc, post_id desc), strictly after
    /// <paramref name="after"/> when given, at most <paramref name="limit"/> of them.
    /// </summary>
    ValueTask<IReadOnlyList<Post>> ListByAuthorAsync(Guid userId, Cursor? after, int limit, CancellationToken cancellationToken);
}
