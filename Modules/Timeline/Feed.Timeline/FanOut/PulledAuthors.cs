using Feed.Social.Contracts;
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
internal sealed class PulledAuthors(ISender sender, ITimelineCache cache, IOptions<TimelineOptions> options)
{
    public async ValueTask AnnounceAsync(Guid authorId, CancellationToken cancellationToken)
    {
        if (await cache.IsPulledAuthorAsync(authorId, cancellationToken))
        {
            return;
        }

        string? cursor = null;
        do
        {
            var batch = await sender.Send(new GetFollowerBatch(authorId, cursor, options.Value.FanOutBatchSize), cancellationToken);
            await cache.DropReadersAsync(batch.FollowerIds, cancellationToken);
            cursor = batch.NextCursor;
        }
        while (cursor is not null);

        await cache.MarkPulledAuthorAsync(authorId, cancellationToken);
    }
}
