using Feed.SharedKernel.Paging;
using Feed.Timeline.Lifecycle;

namespace Feed.Timeline.Tests.Support;

/// <summary>Passes every call to another store; tests override the calls they want to disturb.</summary>
internal abstract class ForwardingTimelineStore(ITimelineStore inner) : ITimelineStore
{
    public virtual ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken) =>
        inner.SavePostAsync(post, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken) =>
        inner.GetPostsAsync(postIds, cancellationToken);

    public virtual ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.AddTimelineRowsAsync(userIds, entry, cancellationToken);

    public virtual ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken) =>
        inner.GetTimelineRowsAsync(userId, after, limit, cancellationToken);

    public virtual ValueTask AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.AddInfluencerPostAsync(entry, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> GetInfluencerPostsAsync(IReadOnlyCollection<Guid> influencerIds, SequenceKey? after, int limitPerInfluencer, CancellationToken cancellationToken) =>
        inner.GetInfluencerPostsAsync(influencerIds, after, limitPerInfluencer, cancellationToken);

    public virtual ValueTask<IReadOnlyCollection<Guid>> GetAuthorsWithInfluencerPostsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken) =>
        inner.GetAuthorsWithInfluencerPostsAsync(authorIds, cancellationToken);

    public virtual ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken) =>
        inner.RemovePostAsync(authorId, postId, cancellationToken);

    public virtual ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken) =>
        inner.AddTimelineEntriesAsync(userId, entries, cancellationToken);

    public virtual ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.RemoveTimelineRowsAsync(userIds, entry, cancellationToken);

    public virtual ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken) =>
        inner.RemoveAuthorTimelineRowsAsync(userId, authorId, cancellationToken);

    public virtual ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken) =>
        inner.GetReaderAsync(userId, cancellationToken);

    public virtual ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        inner.StartRebuildAsync(userId, readOn, cancellationToken);

    public virtual ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        inner.RecordReadAsync(userId, readOn, cancellationToken);

    public virtual ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken) =>
        inner.CompleteRebuildAsync(userId, startedOn, cancellationToken);

    public virtual ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken) =>
        inner.GetActiveReadersAsync(userIds, readSince, cancellationToken);

    public virtual ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, DateTimeOffset readSince, CancellationToken cancellationToken) =>
        inner.AddActiveTimelineRowsAsync(userIds, entry, readSince, cancellationToken);

    public virtual ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken) =>
        inner.GetFanOutProgressAsync(postId, cancellationToken);

    public virtual ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken) =>
        inner.SaveFanOutProgressAsync(postId, followerCursor, cancellationToken);
}
