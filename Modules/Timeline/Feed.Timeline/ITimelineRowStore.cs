using Feed.SharedKernel.Paging;

namespace Feed.Timeline;

/// <summary>
/// The <c>timeline</c> table (partition user_id, clustering created_on desc, post_id desc): the rows
/// pushed to each reader by fan-out, backfills and rebuilds, and their removals (docs/timeline-lifecycle.md).
/// A range read is newest first and starts strictly after an optional (created_on, post_id) position.
/// </summary>
/// <remarks>
/// The rows carry no post details: a row whose post is gone from <see cref="ITimelinePostStore"/> is
/// dropped at read time.
/// </remarks>
internal interface ITimelineRowStore
{
    /// <summary>Writes one timeline row per user for the same post, in one batch; an existing row stays as it is.</summary>
    ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of the user's timeline rows strictly after <paramref name="after"/>, newest first.</summary>
    ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken);

    /// <summary>Writes one row per entry into one user's timeline (a follow's backfill, a rebuild); an existing row stays as it is.</summary>
    ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken);

    /// <summary>Removes the row of <paramref name="entry"/> from each user's timeline, by its exact key (a deleted post); absent rows are ignored.</summary>
    ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes every row of <paramref name="authorId"/>'s posts from the user's timeline (an unfollow): one partition scan.</summary>
    ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken);

    /// <summary>
    /// Fan-out's write: the row of <paramref name="entry"/> for each of <paramref name="userIds"/> whose
    /// last read is at or after <paramref name="readSince"/> (what <see cref="ITimelineReaderStore.GetActiveReadersAsync"/>
    /// answers, then <see cref="AddTimelineRowsAsync"/> for them, in one step), and those users. An existing row stays as it is.
    /// </summary>
    ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, DateTimeOffset readSince, CancellationToken cancellationToken);
}
