using Feed.SharedKernel.Paging;
using Feed.Social.Contracts;
using Feed.Timeline.Changes;
using Feed.Timeline.Contracts;
using Feed.Timeline.Lifecycle;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>
/// Reads the hybrid timeline: the reader's pushed rows merged with the posts pulled from the
/// followees that have influencer_posts, grouped as the design describes. Row and post reads go
/// through the timeline cache (<see cref="TimelineReads"/>); the pulled-author lookup goes to the store.
/// A first page is reused while nothing it shows has changed (<see cref="ServedPages"/>).
/// </summary>
internal sealed class GetTimelineHandler(
    ISender sender,
    ITimelineStore store,
    ITimelineCache cache,
    IOptions<TimelineOptions> options,
    ReaderActivity readers,
    TimelineChanges changes,
    ServedPages served)
    : IQueryHandler<GetTimeline, TimelinePage>
{
    public async ValueTask<TimelinePage> Handle(GetTimeline query, CancellationToken cancellationToken)
    {
        var limit = PageSize.Resolve(query.Limit);
        SequenceKey? after = Cursor.DecodeOrNull(query.Cursor) is { } cursor ? SequenceKey.From(cursor) : null;

        if (after is null && served.TryGet(query.UserId, limit, out var reused))
        {
            return reused;
        }

        // Stamped before anything is read: a change landing from here on moves a stamp, so a page read
        // now is never reused after it.
        var reader = after is null ? changes.StampReader(query.UserId) : null;

        // Pull every followee that has influencer_posts, not only current influencers: a demoted
        // influencer's older posts exist only there, while their newer ones arrive as rows.
        // The read is recorded first; an inactive reader's timeline is rebuilt before it is read.
        var read = await readers.BeginReadAsync(query.UserId, cancellationToken);
        var followees = read.Followees;
        var authors = reader is { } stamped ? changes.StampAuthors(stamped, followees) : null;
        var pulled = followees.Count == 0 ? [] : await store.GetAuthorsWithInfluencerPostsAsync(followees, cancellationToken);

        var settings = options.Value;
        var reads = new TimelineReads(store, cache);
        var sources = new List<ITimelineSource>(1 + ((pulled.Count + settings.InfluencerGroupSize - 1) / settings.InfluencerGroupSize))
        {
            new TimelineRowSource(reads, query.UserId, after),
        };
        foreach (var group in pulled.Chunk(settings.InfluencerGroupSize))
        {
            sources.Add(new InfluencerGroupSource(reads, group, after, settings.PostsPerInfluencer));
        }

        // Only followed authors show: a row written by a fan-out or backfill racing an unfollow stays hidden.
        var merged = await TimelineMerge.ReadPageAsync(sources, limit, reads, followees.ToHashSet(), cancellationToken);
        var usernames = await GetUsernamesAsync(merged.Posts, cancellationToken);

        var items = new TimelineItem[merged.Posts.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var post = merged.Posts[i];
            // An author unknown to Users (should not happen) still shows; the name is just empty.
            var username = usernames.TryGetValue(post.AuthorId, out var author) ? author.Username : string.Empty;
            items[i] = new TimelineItem(post.PostId, post.AuthorId, username, post.PostUrl, post.PostType, post.CreatedOn);
        }

        var page = new TimelinePage(items, merged.Next?.ToCursor().Encode());
        if (reader is { } readerStamp && authors is not null)
        {
            served.Keep(query.UserId, limit, page, readerStamp, authors, read.RecordedUntil);
        }

        return page;
    }

    /// <summary>One Users query per page, for the page's distinct authors.</summary>
    private async ValueTask<IReadOnlyDictionary<Guid, UserSummary>> GetUsernamesAsync(IReadOnlyList<TimelinePost> posts, CancellationToken cancellationToken)
    {
        if (posts.Count == 0)
        {
            return new Dictionary<Guid, UserSummary>();
        }

        var authorIds = new HashSet<Guid>();
        foreach (var post in posts)
        {
            authorIds.Add(post.AuthorId);
        }

        return await sender.Send(new GetUserSummaries(authorIds), cancellationToken);
    }
}
