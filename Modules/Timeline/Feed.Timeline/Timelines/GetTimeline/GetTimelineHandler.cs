using System.Diagnostics;
using Feed.SharedKernel.Paging;
using Feed.Timeline.Contracts;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// Reads the hybrid timeline: the reader's pushed rows merged with the posts pulled from the
/// followees that have or had influencer_posts, grouped as the design describes. Rows, influencer posts,
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
        var limit = query.Page.Size;
        SequenceKey? after = cursors.DecodeOrNull(CursorList.Timeline, query.UserId, query.Page.Cursor) is { } cursor ? SequenceKey.From(cursor) : null;
        var settings = options.Value;
        // A lambda, not the method group: a delegate bound to an extension method's first argument is
        // built by the runtime's slow path on every call (docs/performance.md, "A delegate built by the runtime's slow path").
        var reads = new TimelineReads(postStore, rowStore, cache, (authorIds, token) => sender.LookUpAuthorNamesAsync(authorIds, token));

        // Whom the reader follows and pulls (from the cache, or begun in the store: recorded, rebuilt
        // when due), with the first reads of their rows and influencers' lists already under way.
        // Influencers are read one more than a group keeps: tells which influencer has more.
        var (state, source) = await readers.BeginReadAsync(
            query.UserId, reads, after, TimelineRowSource.FirstReadLimit(limit + 1), settings.PostsPerInfluencer + 1, cancellationToken);

        var sources = new List<ITimelineSource>(1 + ((state.Pulled.Count + settings.InfluencerGroupSize - 1) / settings.InfluencerGroupSize))
        {
            new TimelineRowSource(reads, query.UserId, after),
        };
        foreach (var group in state.Pulled.Chunk(settings.InfluencerGroupSize))
        {
            sources.Add(new InfluencerGroupSource(reads, group, after, settings.PostsPerInfluencer));
        }

        // Only followed authors show: a row written by a fan-out or backfill racing an unfollow stays hidden.
        var merged = await TimelineMerge.ReadPageAsync(sources, limit, reads, state.FolloweeSet, cancellationToken);
        var page = new TimelinePage(Items(merged.Posts, reads.AuthorNames), cursors.EncodeOrNull(CursorList.Timeline, query.UserId, merged.Next?.ToCursor()));

        metrics?.TimelineRead(source, Stopwatch.GetElapsedTime(started));
        return page;
    }

    private static TimelineItem[] Items(IReadOnlyList<TimelinePost> posts, IReadOnlyDictionary<Guid, string> authorNames)
    {
        var items = new TimelineItem[posts.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var post = posts[i];
            // An author unknown to Users (should not happen) still shows; the name is just empty.
            var username = authorNames.TryGetValue(post.AuthorId, out var name) ? name : string.Empty;
            items[i] = new TimelineItem(post.PostId, post.AuthorId, username, post.PostUrl, post.PostType, post.CreatedOn);
        }

        return items;
    }
}
