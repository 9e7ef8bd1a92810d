using Feed.SharedKernel.Paging;
using Feed.Timeline.Lifecycle;

namespace Feed.Timeline;

/// <summary>
/// The Timeline module's storage, shaped like the design's tables: <c>timeline</c> (partition user_id,
/// clustering created_on desc, post_id desc), <c>influencer_posts</c> (partition influencer_id, same
/// clustering) and the post read model (partition post_id). Every range read is newest first and
/// starts strictly after an optional (created_on, post_id) position.
/// </summary>
internal interface ITimelineStore
{
    /// <summary>
    /// Saves (or overwrites) a post in the read model and returns true, unless the post was removed:
    /// a removed post is never saved again (its PostCreated may be delivered late, or again, after its
    /// PostDeleted), and false is returned.
    /// </summary>
    ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken);

    /// <summary>The read-model posts among <paramref name="postIds"/>; deleted or unknown ids are absent.</summary>
    ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken);

    /// <summary>Writes one timeline row per user for the same post, in one batch; an existing row stays as it is.</summary>
    ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of the user's timeline rows strictly after <paramref name="after"/>, newest first.</summary>
    ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken);

    /// <summary>Writes the influencer_posts row of <paramref name="entry"/> (partition <see cref="TimelineEntry.AuthorId"/>); writing it twice is harmless.</summary>
    ValueTask AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// One read for many influencers (like a CQL <c>IN</c> query): for each, up to
    /// <paramref name="limitPerInfluencer"/> posts strictly after <paramref name="after"/>, newest first.
    /// Influencers with no such posts may be absent from the result.
    /// </summary>
    ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> GetInfluencerPostsAsync(
        IReadOnlyCollection<Guid> influencerIds,
        SequenceKey? after,
        int limitPerInfluencer,
        CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="authorIds"/> that have at least one influencer_posts row: the authors read by pull.</summary>
    ValueTask<IReadOnlyCollection<Guid>> GetAuthorsWithInfluencerPostsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a post from the read model and from its author's influencer_posts, for good (see
    /// <see cref="SavePostAsync"/>). Timeline rows stay; reads drop them because their post is gone.
    /// </summary>
    ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken);

    // Timeline lifecycle: follows, unfollows, deletes and inactive readers (docs/timeline-lifecycle.md).

    /// <summary>Writes one row per entry into one user's timeline (a follow's backfill, a rebuild); an existing row stays as it is.</summary>
    ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken);

    /// <summary>Removes the row of <paramref name="entry"/> from each user's timeline, by its exact key (a deleted post); absent rows are ignored.</summary>
    ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes every row of <paramref name="authorId"/>'s posts from the user's timeline (an unfollow): one partition scan.</summary>
    ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken);

    /// <summary>The user's timeline read activity; null for a user who never read their timeline.</summary>
    ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a read at <paramref name="readOn"/> (the last read never moves back) and marks a rebuild
    /// as started at <paramref name="readOn"/>, replacing any earlier mark; creates the reader if needed.
    /// </summary>
    ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken);

    /// <summary>Records a read of a known reader at <paramref name="readOn"/> (the last read never moves back); an unknown user stays unknown.</summary>
    ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken);

    /// <summary>Clears the rebuild mark, but only if it is still the one started at <paramref name="startedOn"/>.</summary>
    ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="userIds"/> whose last read is at or after <paramref name="readSince"/>, in one read (fan-out's activity filter).</summary>
    ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken);

    /// <summary>
    /// Fan-out's write: the row of <paramref name="entry"/> for each of <paramref name="userIds"/> whose
    /// last read is at or after <paramref name="readSince"/> (what <see cref="GetActiveReadersAsync"/>
    /// answers, then <see cref="AddTimelineRowsAsync"/> for them, in one step), and those users. An existing row stays as it is.
    /// </summary>
    ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, DateTimeOffset readSince, CancellationToken cancellationToken);

    /// <summary>Where an interrupted fan-out of <paramref name="postId"/> resumes: the follower cursor after its last written batch, or null.</summary>
    ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken);

    /// <summary>Records that every follower before <paramref name="followerCursor"/> has the post; null means the fan-out is done and forgets it.</summary>
    ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken);
}
