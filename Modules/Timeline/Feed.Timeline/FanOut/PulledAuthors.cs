using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.FanOut;

/// <summary>
/// Keeps cached reader states right when an author gains influencer_posts: a state lists the followees
/// a read pulls, so every follower's state is dropped (walking the followers in batches, like fan-out)
/// before the author is marked as accounted for. Called after the store has the rows, so a state
/// refilled from then on includes the author; a fill that read the store before finds its marker gone.
/// A crash before the mark leaves the author unmarked, and the retried delivery walks again.
/// <para>
/// The store is asked first: a caller's write may have been refused (a removed post gets no influencer_posts
/// row, see <see cref="ITimelinePostStore.AddInfluencerPostAsync"/>), and an author the store does not
/// count as pulled is not marked. Otherwise a state filled afterwards would leave them out, and their first
/// real row's fan-out, finding the mark, would drop no state: the post would reach none of those followers.
/// The write of that first row announces again, and finds the author pulled then.
/// </para>
/// <para>
/// Nothing is ever withdrawn: the store keeps an author pulled after their last influencer_posts row is
/// removed (<see cref="ITimelinePostStore.GetPulledAuthorsAsync"/>), so a mark can never outlive what it
/// says. Withdrawing it raced the author's next pulled post and states refilled in between, and a lost
/// unmark outlived a cache renewal (the mark is not bound to the cache version); an author with no rows
/// left costs a read of an empty list.
/// </para>
/// </summary>
internal sealed class PulledAuthors(ISender sender, ITimelinePostStore store, ITimelineCache cache, IOptions<TimelineOptions> options)
{
    public async ValueTask AnnounceAsync(Guid authorId, CancellationToken cancellationToken)
    {
        if (await cache.IsPulledAuthorAsync(authorId, cancellationToken))
        {
            return;
        }

        if ((await store.GetPulledAuthorsAsync([authorId], cancellationToken)).Count == 0)
        {
            // Nothing to announce (the write was refused): the mark must not say more than the store.
            return;
        }

        await foreach (var followers in sender.FollowerBatchesAsync(authorId, options.Value.FanOutBatchSize, cancellationToken))
        {
            await cache.DropReadersAsync(followers, cancellationToken);
        }

        await cache.MarkPulledAuthorAsync(authorId, cancellationToken);
    }
}
