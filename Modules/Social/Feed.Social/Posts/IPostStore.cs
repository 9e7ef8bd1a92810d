using Feed.SharedKernel.Paging;

namespace Feed.Social.Posts;

/// <summary>
/// The <c>posts</c> table: partition user_id, clustering (created_on desc, post_id desc).
/// Reads by post id alone need a lookup by post_id beside it (a unique index, or a small
/// post_id → user_id table in a wide-column store).
/// </summary>
internal interface IPostStore
{
    ValueTask AddAsync(Post post, CancellationToken cancellationToken);

    ValueTask<Post?> GetAsync(Guid postId, CancellationToken cancellationToken);

    /// <summary>Removes the post and returns it, or null when there was no such post (already deleted).</summary>
    ValueTask<Post?> DeleteAsync(Guid postId, CancellationToken cancellationToken);

    /// <summary>
    /// The author's posts newest first (created_on desc, post_id desc), strictly after
    /// <paramref name="after"/> when given, at most <paramref name="limit"/> of them.
    /// </summary>
    ValueTask<IReadOnlyList<Post>> ListByAuthorAsync(Guid userId, Cursor? after, int limit, CancellationToken cancellationToken);
}
