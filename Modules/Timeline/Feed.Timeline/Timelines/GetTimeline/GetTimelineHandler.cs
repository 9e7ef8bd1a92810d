using System.Diagnostics;
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
    ITimelinePostStore postStore,
    ITimelineRowStore rowStore,
    ITimelineCache cache,
    IOptions<TimelineOptions> options,
    ReaderStates readers,
    PageCursors cursors,
    TimelineMetrics? metrics = null)
    : IQueryHandler<GetTimeline, TimelinePage>
{
    public async ValueTask<TimelinePage> Handle(GetTimeline query, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (page, source) = await ReadAsync(query, cancellationToken);
        metrics?.TimelineRead(source, Stopwatch.GetElapsedTime(started));
        return page;
    }

    private async ValueTask<(TimelinePage Page, TimelineReadSource Source)> ReadAsync(GetTimeline query, CancellationToken cancellationToken)
    {
        var limit = query.Page.Size;
        SequenceKey? after = cursors.DecodeOrNull(CursorList.Timeline, query.UserId, query.Page.Cursor) is { } cursor ? SequenceKey.From(cursor) : null;

        var settings = options.Value;
        var influencerLimit = settings.PostsPerInfluencer + 1; // one more than a group keeps: tells which influencer has more
        var reads = new TimelineReads(postStore, rowStore, cache, sender.LookUpAuthorNamesAsync);

        // One round trip for a warm read: the reader's state, with the reader's rows right behind it and
        // the lists of the influencers this process last knew the reader to pull. The rows are used only
        // when the state is a hit read before them: a state is filled only after any rebuild it reflects
        // dropped the cached rows, so rows read after the state are the rebuilt ones. Otherwise the read
        // begins in the store (recorded, rebuilt when due) and the rows are read after it. The checked
        // state says whether the influencer lists read were the right ones.
        var known = readers.LastKnown(query.UserId);
        var ahead = new ReadAhead(after, TimelineRowSource.FirstReadLimit(limit + 1), known?.Pulled ?? [], influencerLimit);
        var cached = await readers.LookUpAsync(query.UserId, ahead, cancellationToken);
        reads.DeletionsSeen = cached.Deletions;
        if (cached.Ahead is { } answers)
        {
            reads.UseReadAhead(query.UserId, ahead, answers);
        }

        var source = TimelineReadSource.Cache;
        if (cached.State is not { } state || cached.Late)
        {
            await reads.AbandonRowPrefetchAsync();
            source = TimelineReadSource.Store;
            if (cached.State is { } late)
            {
                state = late;
            }
            else
            {
                (state, var rebuilt) = await readers.BeginInStoreAsync(query.UserId, cached.Fill, cancellationToken);
                source = rebuilt ? TimelineReadSource.Rebuilt : TimelineReadSource.Store;
            }
        }

        var pulled = state.Pulled;
        if (pulled.Count == 0 || !reads.HasPrefetched(pulled, after, influencerLimit))
        {
            // Started from a state that has changed since: read what the checked state names instead.
            await reads.AbandonInfluencerPrefetchAsync();
            reads.PrefetchInfluencerPosts(pulled, after, influencerLimit, cancellationToken);
        }

        var rows = new TimelineRowSource(reads, query.UserId, after);
        var sources = new List<ITimelineSource>(1 + ((pulled.Count + settings.InfluencerGroupSize - 1) / settings.InfluencerGroupSize)) { rows };
        foreach (var group in pulled.Chunk(settings.InfluencerGroupSize))
        {
            sources.Add(new InfluencerGroupSource(reads, group, after, settings.PostsPerInfluencer));
        }

        // Only followed authors show: a row written by a fan-out or backfill racing an unfollow stays hidden.
        var merged = await TimelineMerge.ReadPageAsync(sources, limit, reads, state.FolloweeSet, cancellationToken);

        var items = new TimelineItem[merged.Posts.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var post = merged.Posts[i];
            // An author unknown to Users (should not happen) still shows; the name is just empty.
            var username = reads.AuthorNames.TryGetValue(post.AuthorId, out var name) ? name : string.Empty;
            items[i] = new TimelineItem(post.PostId, post.AuthorId, username, post.PostUrl, post.PostType, post.CreatedOn);
        }

        return (new TimelinePage(items, cursors.EncodeOrNull(CursorList.Timeline, query.UserId, merged.Next?.ToCursor())), source);
    }
}
