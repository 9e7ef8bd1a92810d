using Feed.SharedKernel.Paging;
using Feed.Timeline.Contracts;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// Reads the hybrid timeline: the reader's pushed rows merged with the posts pulled from the
/// followees that have influencer_posts, grouped as the design describes. Rows, influencer posts,
/// post details and the reader's state go through the timeline cache (<see cref="TimelineReads"/>,
/// <see cref="ReaderStates"/>), so a warm read needs no store round trip.
/// </summary>
internal sealed class GetTimelineHandler(
    ISender sender,
    ITimelineStore store,
    ITimelineCache cache,
    IOptions<TimelineOptions> options,
    ReaderStates readers)
    : IQueryHandler<GetTimeline, TimelinePage>
{
    public async ValueTask<TimelinePage> Handle(GetTimeline query, CancellationToken cancellationToken)
    {
        var limit = PageSize.Resolve(query.Limit);
        SequenceKey? after = Cursor.DecodeOrNull(query.Cursor) is { } cursor ? SequenceKey.From(cursor) : null;

        // The reader's own rows are read beside the reader's state (one round trip when both are cached);
        // the state says whom to pull, and whether an inactive reader's timeline was rebuilt first.
        var reads = new TimelineReads(store, cache, sender.LookUpAuthorNamesAsync);
        var rows = new TimelineRowSource(reads, query.UserId, after);
        rows.Prefetch(limit + 1, cancellationToken);
        var begun = await readers.BeginReadAsync(query.UserId, cancellationToken);
        if (begun.Rebuilt)
        {
            // Read before the rebuild wrote the backfilled rows: read again.
            await rows.AbandonAsync();
            rows = new TimelineRowSource(reads, query.UserId, after);
        }

        var followees = begun.State.Followees;
        var settings = options.Value;
        var pulled = begun.State.Pulled;
        reads.PrefetchInfluencerPosts(pulled, after, settings.PostsPerInfluencer + 1, cancellationToken);
        var sources = new List<ITimelineSource>(1 + ((pulled.Count + settings.InfluencerGroupSize - 1) / settings.InfluencerGroupSize)) { rows };
        foreach (var group in pulled.Chunk(settings.InfluencerGroupSize))
        {
            sources.Add(new InfluencerGroupSource(reads, group, after, settings.PostsPerInfluencer));
        }

        // Only followed authors show: a row written by a fan-out or backfill racing an unfollow stays hidden.
        var merged = await TimelineMerge.ReadPageAsync(sources, limit, reads, followees.ToHashSet(), cancellationToken);

        var items = new TimelineItem[merged.Posts.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var post = merged.Posts[i];
            // An author unknown to Users (should not happen) still shows; the name is just empty.
            var username = reads.AuthorNames.TryGetValue(post.AuthorId, out var name) ? name : string.Empty;
            items[i] = new TimelineItem(post.PostId, post.AuthorId, username, post.PostUrl, post.PostType, post.CreatedOn);
        }

        return new TimelinePage(items, merged.Next?.ToCursor().Encode());
    }
}
