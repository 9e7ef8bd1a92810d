using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.FanOut;

/// <summary>
/// Keeps cached reader states right when an author gains influencer_posts: a state lists the followees
/// a read pulls, so every follower's state is dropped (walking the followers in batches, like fan-out)
/// before the author is marked as accounted for. Called after the store has the rows, so a state
/// refilled from then on includes the author; a fill that read the store before finds its marker gone.
/// A crash before the mark leaves the author unmarked, and the retried delivery walks again.
/// </summary>
internal sealed class PulledAuthors(ISender sender, ITimelinePostStore store, ITimelineCache cache, IOptions<TimelineOptions> options)
{
    public async ValueTask AnnounceAsync(Guid authorId, CancellationToken cancellationToken)
    {
        if (await cache.IsPulledAuthorAsync(authorId, cancellationToken))
        {
            return;
        }

        await foreach (var followers in sender.FollowerBatchesAsync(authorId, options.Value.FanOutBatchSize, cancellationToken))
        {
            await cache.DropReadersAsync(followers, cancellationToken);
        }

        await cache.MarkPulledAuthorAsync(authorId, cancellationToken);
    }

    /// <summary>
    /// After the store removed one of the author's posts: if it was their last influencer_posts row,
    /// states filled from now on lack the author, so the mark goes (their next pulled post walks again).
    /// Checked once more after the unmark: a pulled post that found the author still marked just
    /// before has its row in the store by then, and is announced here. An author with no mark (an
    /// ordinary author, whose deletes are most of them) has nothing to withdraw: the store is not asked.
    /// </summary>
    public async ValueTask WithdrawIfGoneAsync(Guid authorId, CancellationToken cancellationToken)
    {
        if (!await cache.IsPulledAuthorAsync(authorId, cancellationToken))
        {
            return;
        }

        if (await HasPulledPostsAsync(authorId, cancellationToken))
        {
            return;
        }

        await cache.UnmarkPulledAuthorAsync(authorId, cancellationToken);
        if (await HasPulledPostsAsync(authorId, cancellationToken))
        {
            await AnnounceAsync(authorId, cancellationToken);
        }
    }

    private async ValueTask<bool> HasPulledPostsAsync(Guid authorId, CancellationToken cancellationToken) =>
        (await store.GetAuthorsWithInfluencerPostsAsync([authorId], cancellationToken)).Count > 0;
}
