using Feed.Social.Contracts;
using Feed.Timeline.Lifecycle;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.FanOut;

/// <summary>
/// Delivers a saved post: an influencer's post gets one influencer_posts row and is pulled at read
/// time; an ordinary author's post is pushed as one timeline row per follower, a batch of followers
/// per write. Every write is idempotent, so running this again for the same post is harmless (which
/// a retrying background runner will rely on). The store is written first, then the cache (one round
/// trip per batch, and only to timelines already cached): the cache never holds what the store lacks.
/// </summary>
internal sealed class FanOutPost(ISender sender, ITimelineStore store, ITimelineCache cache, IOptions<TimelineOptions> options, ReaderActivity readers)
{
    /// <summary>Batches written at the same time by one fan-out.</summary>
    private const int ConcurrentBatches = 4;

    public async ValueTask RunAsync(TimelinePost post, CancellationToken cancellationToken)
    {
        var entry = post.ToEntry();
        var authors = await sender.Send(new GetUserSummaries([post.AuthorId]), cancellationToken);
        if (authors.TryGetValue(post.AuthorId, out var author) && author.IsInfluencer)
        {
            await store.AddInfluencerPostAsync(entry, cancellationToken);
            await cache.AddAsync(CachedList.InfluencerPosts, [post.AuthorId], entry, cancellationToken);
            return;
        }

        // Batches are written side by side (each one store first, then cache), a few at a time: one
        // batch at a time leaves PostgreSQL and Redis waiting on each other's round trips. The
        // follower reads stay in order (cursor by cursor).
        var batchSize = options.Value.FanOutBatchSize;
        var writing = new List<Task>(ConcurrentBatches);
        string? cursor = null;
        try
        {
            do
            {
                var batch = await sender.Send(new GetFollowerBatch(post.AuthorId, cursor, batchSize), cancellationToken);
                if (batch.FollowerIds.Count == 0)
                {
                    break;
                }

                if (writing.Count == ConcurrentBatches)
                {
                    var written = await Task.WhenAny(writing);
                    writing.Remove(written);
                    await written;
                }

                writing.Add(DeliverAsync(batch.FollowerIds, entry, cancellationToken));
                cursor = batch.NextCursor;
            }
            while (cursor is not null);
        }
        finally
        {
            // Every started write finishes (or fails) before the fan-out reports: a failure retries the whole, idempotent fan-out.
            await Task.WhenAll(writing);
        }
    }

    private async Task DeliverAsync(IReadOnlyList<Guid> followerIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        // Inactive followers are skipped: their timeline is rebuilt from the graph on their next read.
        var activeFollowers = await readers.ActiveAmongAsync(followerIds, cancellationToken);
        await store.AddTimelineRowsAsync(activeFollowers, entry, cancellationToken);
        await cache.AddAsync(CachedList.Timeline, activeFollowers, entry, cancellationToken);
    }
}
