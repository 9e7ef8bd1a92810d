using Feed.SharedKernel.Paging;

namespace Feed.Timeline;

/// <summary>
/// The Timeline module's own copy of a post (its read model), enough to hydrate a timeline item
/// without asking Social. A timeline row whose post is gone from here is a deleted post.
/// </summary>
internal sealed record TimelinePost(Guid PostId, Guid AuthorId, string PostUrl, string PostType, DateTimeOffset CreatedOn)
{
    public SequenceKey Key => new(CreatedOn, PostId);

    public TimelineEntry ToEntry() => new(Key, AuthorId);
}

/// <summary>
/// A post's place in a newest-first list: one <c>timeline</c> row (for the user owning the partition)
/// or one <c>influencer_posts</c> row (then <see cref="AuthorId"/> is the influencer).
/// </summary>
internal readonly record struct TimelineEntry(SequenceKey Key, Guid AuthorId)
{
    public Guid PostId => Key.Id;

    public DateTimeOffset CreatedOn => Key.At;
}
