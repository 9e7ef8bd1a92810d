using Feed.SharedKernel.Paging;

namespace Feed.Timeline;

/// <summary>
/// The post read model (partition post_id) and <c>influencer_posts</c> (partition influencer_id,
/// clustering created_on desc, post_id desc): what a read needs to show a post, and the posts pulled
/// at read time. One port because a removal takes a post out of both at once. Every range read is
/// newest first and starts strictly after an optional (created_on, post_id) position.
/// </summary>
internal interface ITimelinePostStore
{
    /// <summary>
    /// Saves (or overwrites) a post in the read model and returns true, unless the post was removed:
    /// a removed post is never saved again (its PostCreated may be delivered late, or again, after its
    /// PostDeleted), and false is returned.
    /// </summary>
    ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken);

    /// <summary>The read-model posts among <paramref name="postIds"/>; deleted or unknown ids are absent.</summary>
    ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the influencer_posts row of <paramref name="entry"/> (partition <see cref="TimelineEntry.AuthorId"/>)
    /// and returns true; writing it twice is harmless. A removed post gets no row (see <see cref="SavePostAsync"/>),
    /// and false is returned: a promotion's copy that read the post before its removal writes nothing for it.
    /// </summary>
    ValueTask<bool> AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken);

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

    /// <summary>
    /// Those of <paramref name="authorIds"/> read by pull: every author that has, or ever had, an
    /// influencer_posts row. The set only grows (an author stays in it after their last row is removed),
    /// so a cached reader state never has to lose an author it pulls (<c>FanOut/PulledAuthors</c>).
    /// </summary>
    ValueTask<IReadOnlyCollection<Guid>> GetPulledAuthorsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a post from the read model and from its author's influencer_posts, for good (see
    /// <see cref="SavePostAsync"/>). Timeline rows stay; reads drop them because their post is gone.
    /// </summary>
    ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken);
}
