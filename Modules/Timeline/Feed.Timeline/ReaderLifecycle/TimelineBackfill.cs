using Feed.SharedKernel.Paging;
using Feed.Social.Contracts;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.ReaderLifecycle;

/// <summary>
/// Writes authors' recent posts into one user's timeline: after a follow (one author) and when an
/// inactive reader's timeline is rebuilt (every followee). Each author's newest
/// <see cref="TimelineLifecycleOptions.BackfillSize"/> posts are asked from Social; those already in the
/// author's influencer_posts reach the reader by pull at read time and get no row. Rows are written
/// idempotently, so running it again (a retried message, a repeated rebuild) is harmless. The user's
/// cached timeline is dropped after the write.
/// </summary>
internal sealed class TimelineBackfill(ISender sender, ITimelinePostStore postStore, ITimelineRowStore rowStore, ITimelineCache cache, IOptions<TimelineLifecycleOptions> options)
{
    /// <summary>Authors per store write: bounds one statement when a rebuild covers thousands of followees.</summary>
    private const int AuthorsPerWrite = 100;

    public async ValueTask RunAsync(Guid userId, IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken)
    {
        var size = options.Value.BackfillSize;
        foreach (var authors in authorIds.Distinct().Chunk(AuthorsPerWrite))
        {
            // Any of an author's newest `size` posts that is pulled is among their newest `size` pulled ones.
            var pulled = await postStore.GetInfluencerPostsAsync(authors, after: null, size, cancellationToken);
            var entries = new List<TimelineEntry>();
            foreach (var authorId in authors)
            {
                var recent = await sender.Send(new GetRecentPosts(authorId, size), cancellationToken);
                var pulledIds = pulled.TryGetValue(authorId, out var pulledPosts)
                    ? pulledPosts.Select(static entry => entry.PostId).ToHashSet()
                    : [];
                foreach (var post in recent)
                {
                    if (!pulledIds.Contains(post.PostId))
                    {
                        entries.Add(new TimelineEntry(new SequenceKey(post.CreatedOn, post.PostId), post.AuthorId));
                    }
                }
            }

            await rowStore.AddTimelineEntriesAsync(userId, entries, cancellationToken);
        }

        // Backfilled rows are older than what a cached timeline may hold: forget it (after the store
        // write), so that its next read fills it with them.
        if (authorIds.Count > 0)
        {
            await cache.DropAsync(CachedList.Timeline, [userId], cancellationToken);
        }
    }
}
