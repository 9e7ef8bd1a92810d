using Feed.SharedKernel.Paging;
using Feed.Timeline.ReaderLifecycle;

namespace Feed.Timeline.Tests.Support;

/// <summary>Passes every call to the stores it wraps; tests override the calls they want to disturb.</summary>
internal abstract class ForwardingTimelineStore(TimelineStores inner)
    : ITimelinePostStore, ITimelineRowStore, ITimelineReaderStore, IFanOutProgressStore
{
    public virtual ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken) =>
        inner.Posts.SavePostAsync(post, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken) =>
        inner.Posts.GetPostsAsync(postIds, cancellationToken);

    public virtual ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.Rows.AddTimelineRowsAsync(userIds, entry, cancellationToken);

    public virtual ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken) =>
        inner.Rows.GetTimelineRowsAsync(userId, after, limit, cancellationToken);

    public virtual ValueTask<bool> AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.Posts.AddInfluencerPostAsync(entry, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> GetInfluencerPostsAsync(IReadOnlyCollection<Guid> influencerIds, SequenceKey? after, int limitPerInfluencer, CancellationToken cancellationToken) =>
        inner.Posts.GetInfluencerPostsAsync(influencerIds, after, limitPerInfluencer, cancellationToken);

    public virtual ValueTask<IReadOnlyCollection<Guid>> GetPulledAuthorsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken) =>
        inner.Posts.GetPulledAuthorsAsync(authorIds, cancellationToken);

    public virtual ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken) =>
        inner.Posts.RemovePostAsync(authorId, postId, cancellationToken);

    public virtual ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken) =>
        inner.Rows.AddTimelineEntriesAsync(userId, entries, cancellationToken);

    public virtual ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.Rows.RemoveTimelineRowsAsync(userIds, entry, cancellationToken);

    public virtual ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken) =>
        inner.Rows.RemoveAuthorTimelineRowsAsync(userId, authorId, cancellationToken);

    public virtual ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken) =>
        inner.Readers.GetReaderAsync(userId, cancellationToken);

    public virtual ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        inner.Readers.StartRebuildAsync(userId, readOn, cancellationToken);

    public virtual ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        inner.Readers.RecordReadAsync(userId, readOn, cancellationToken);

    public virtual ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken) =>
        inner.Readers.CompleteRebuildAsync(userId, startedOn, cancellationToken);

    public virtual ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken) =>
        inner.Readers.GetActiveReadersAsync(userIds, readSince, cancellationToken);

    public virtual ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, DateTimeOffset readSince, CancellationToken cancellationToken) =>
        inner.Rows.AddActiveTimelineRowsAsync(userIds, entry, readSince, cancellationToken);

    public virtual ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken) =>
        inner.FanOutProgress.GetFanOutProgressAsync(postId, cancellationToken);

    public virtual ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken) =>
        inner.FanOutProgress.SaveFanOutProgressAsync(postId, followerCursor, cancellationToken);
}
