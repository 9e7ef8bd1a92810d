using Feed.Social.Contracts;
using Mediator;

namespace Feed.Timeline.ReaderLifecycle;

/// <summary>
/// The cleanup after a follow is undone, shared by the unfollow's delivery and a follow delivered after its
/// own unfollow: the author's rows leave the reader's timeline, unless the reader follows the author again by
/// then. A follow-again's backfill may have run before the removal and lost its rows to it, so the graph is
/// checked again after the removal (a follow committed later runs its own backfill after it).
/// </summary>
internal sealed class UnfollowedAuthorRows(ISender sender, ITimelineRowStore store, ITimelineCache cache, ReaderActivity readers, TimelineBackfill backfill)
{
    /// <summary>
    /// Removes the author's rows and drops the reader's cached timeline; then, if the reader follows the
    /// author again, backfills like <see cref="KeptByAFollowAgainAsync"/>. True when followed again.
    /// </summary>
    public async Task<bool> RemoveAsync(Guid readerId, Guid authorId, CancellationToken cancellationToken)
    {
        await store.RemoveAuthorTimelineRowsAsync(readerId, authorId, cancellationToken);
        await cache.DropAsync(CachedList.Timeline, [readerId], cancellationToken);
        return await KeptByAFollowAgainAsync(readerId, authorId, cancellationToken);
    }

    /// <summary>
    /// True when the reader follows the author again; an active reader then gets the author's posts backfilled
    /// (idempotent, adds only). An inactive one is rebuilt from the graph on their next read.
    /// </summary>
    public async Task<bool> KeptByAFollowAgainAsync(Guid readerId, Guid authorId, CancellationToken cancellationToken)
    {
        if (!await sender.FollowsAsync(readerId, authorId, cancellationToken))
        {
            return false;
        }

        if (await readers.IsActiveAsync(readerId, cancellationToken))
        {
            await backfill.RunAsync(readerId, [authorId], cancellationToken);
        }

        return true;
    }
}
