using Feed.SharedKernel.Telemetry;
using Feed.Social.Contracts;
using Feed.Timeline.ReaderLifecycle;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.FanOut;

/// <summary>
/// Delivers a saved post: an influencer's post gets one influencer_posts row and is pulled at read
/// time; an ordinary author's post is pushed as one timeline row per follower, a batch of followers
/// per write. Every write is idempotent, so running this again for the same post is harmless (which
/// a retrying background runner will rely on). The store is written first, then the cache (one round
/// trip per batch, and only to timelines already cached): the cache never holds what the store lacks.
/// When the host begins to stop, no further batch is started: the batches in hand are written and
/// recorded, and the fan-out ends with an <see cref="OperationCanceledException"/> that leaves its
/// announcement to be delivered again, resuming after the recorded batches.
/// </summary>
internal sealed class FanOutPost(
    ISender sender,
    ITimelinePostStore postStore,
    ITimelineRowStore rowStore,
    IFanOutProgressStore progressStore,
    ITimelineCache cache,
    IOptions<TimelineOptions> options,
    ReaderActivity readers,
    PulledAuthors pulledAuthors,
    TimelineMetrics? metrics = null,
    IHostApplicationLifetime? lifetime = null)
{
    public async ValueTask RunAsync(TimelinePost post, CancellationToken cancellationToken)
    {
        var entry = post.ToEntry();
        var authors = await sender.Send(new GetUserSummaries([post.AuthorId]), cancellationToken);
        var author = authors.GetValueOrDefault(post.AuthorId);
        if (author is not null)
        {
            // Details first, so that no read finds the entry without them.
            await cache.AddPostAsync(post, author.Username, cancellationToken);
        }

        if (author is { IsInfluencer: true })
        {
            // A post removed since it was saved gets no row, and so no cached entry and no announcement.
            if (await postStore.AddInfluencerPostAsync(entry, cancellationToken))
            {
                await cache.AddAsync(CachedList.InfluencerPosts, [post.AuthorId], entry, cancellationToken);
                await pulledAuthors.AnnounceAsync(post.AuthorId, cancellationToken);
            }

            return;
        }

        // Batches are written side by side (each one store first, then cache), a few at a time: one
        // batch at a time leaves PostgreSQL and Redis waiting on each other's round trips. The
        // follower reads stay in order (cursor by cursor).
        var batchSize = options.Value.FanOutBatchSize;
        var concurrentBatches = options.Value.FanOutConcurrency;
        var writing = new Queue<(Task Write, string? CursorAfter)>(concurrentBatches);

        // A fan-out interrupted by a crash or a failure resumes after the last batch it recorded.
        var cursor = await progressStore.GetFanOutProgressAsync(post.PostId, cancellationToken);
        var stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        var stopped = false;
        try
        {
            do
            {
                if (stopping.IsCancellationRequested)
                {
                    stopped = true;
                    break;
                }

                var batch = await sender.Send(new GetFollowerBatch(post.AuthorId, cursor, batchSize), cancellationToken);
                if (batch.FollowerIds.Count == 0)
                {
                    break;
                }

                if (writing.Count == concurrentBatches)
                {
                    await RecordOldestAsync(writing, post.PostId, cancellationToken);
                }

                writing.Enqueue((DeliverAsync(batch.FollowerIds, entry, cancellationToken), batch.NextCursor));
                cursor = batch.NextCursor;
            }
            while (cursor is not null);

            while (writing.Count > 0)
            {
                await RecordOldestAsync(writing, post.PostId, cancellationToken);
            }

            if (stopped)
            {
                throw new OperationCanceledException("The fan-out stopped for a shutdown; it resumes after its recorded batches.", stopping);
            }

            await progressStore.SaveFanOutProgressAsync(post.PostId, null, cancellationToken);
            metrics?.FanOutFinished(post.CreatedOn);
        }
        finally
        {
            // Every started write finishes (or fails) before the fan-out reports: a failure is retried from the recorded progress.
            await Task.WhenAll(writing.Select(pending => pending.Write));
        }
    }

    /// <summary>
    /// Waits for the oldest batch still being written and records the cursor after it: batches finish
    /// in any order, but progress only moves past batches that are all written.
    /// </summary>
    private async Task RecordOldestAsync(Queue<(Task Write, string? CursorAfter)> writing, Guid postId, CancellationToken cancellationToken)
    {
        var (write, cursorAfter) = writing.Dequeue();
        await write;
        if (cursorAfter is not null)
        {
            await progressStore.SaveFanOutProgressAsync(postId, cursorAfter, cancellationToken);
        }
    }

    private async Task DeliverAsync(IReadOnlyList<Guid> followerIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        using var activity = FeedTelemetry.Source.StartActivity("fan-out batch");
        activity?.SetTag("feed.fanout.followers", followerIds.Count);
        // Inactive followers are skipped: their timeline is rebuilt from the graph on their next read.
        var activeFollowers = await rowStore.AddActiveTimelineRowsAsync(followerIds, entry, readers.ActiveSince(), cancellationToken);
        await cache.AddAsync(CachedList.Timeline, activeFollowers, entry, cancellationToken);
        metrics?.EntriesWritten(activeFollowers.Count);
        activity?.SetTag("feed.fanout.entries", activeFollowers.Count);
    }
}
