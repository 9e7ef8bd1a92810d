using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Tests.Support;

/// <summary>Passes every call to the cache it wraps; tests override the calls they want to watch or disturb.</summary>
internal abstract class ForwardingTimelineCache(ITimelineCache inner) : ITimelineCache
{
    public int Capacity => inner.Capacity;

    public virtual ValueTask<CachedRanges> ReadAsync(CachedList list, IReadOnlyList<Guid> ownerIds, SequenceKey? after, int limit, CancellationToken cancellationToken) =>
        inner.ReadAsync(list, ownerIds, after, limit, cancellationToken);

    public ValueTask FillAsync(CachedList list, CacheFill fill, IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>> newest, CancellationToken cancellationToken) =>
        inner.FillAsync(list, fill, newest, cancellationToken);

    public ValueTask AddAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.AddAsync(list, ownerIds, entry, cancellationToken);

    public ValueTask AddPostAsync(TimelinePost post, string authorName, CancellationToken cancellationToken) =>
        inner.AddPostAsync(post, authorName, cancellationToken);

    public virtual ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken) =>
        inner.RemovePostAsync(authorId, postId, cancellationToken);

    public ValueTask<CachedPosts> GetPostsAsync(IReadOnlyCollection<Guid> postIds, DeletionsSeen? seen, CancellationToken cancellationToken) =>
        inner.GetPostsAsync(postIds, seen, cancellationToken);

    public ValueTask FillPostsAsync(CacheFill fill, IReadOnlyCollection<TimelinePost> posts, IReadOnlyDictionary<Guid, string> authorNames, CancellationToken cancellationToken) =>
        inner.FillPostsAsync(fill, posts, authorNames, cancellationToken);

    public ValueTask RemoveAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.RemoveAsync(list, ownerIds, entry, cancellationToken);

    public virtual ValueTask DropAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, CancellationToken cancellationToken) =>
        inner.DropAsync(list, ownerIds, cancellationToken);

    public ValueTask<CachedReader> ReadReaderAsync(Guid readerId, DateTimeOffset now, ReadAhead? ahead, CancellationToken cancellationToken) =>
        inner.ReadReaderAsync(readerId, now, ahead, cancellationToken);

    public ReaderState? LastKnownReader(Guid readerId) => inner.LastKnownReader(readerId);

    public ValueTask FillReaderAsync(CacheFill fill, Guid readerId, ReaderState state, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.FillReaderAsync(fill, readerId, state, now, cancellationToken);

    public ValueTask DropReadersAsync(IReadOnlyCollection<Guid> readerIds, CancellationToken cancellationToken) =>
        inner.DropReadersAsync(readerIds, cancellationToken);

    public ValueTask<bool> IsPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken) =>
        inner.IsPulledAuthorAsync(authorId, cancellationToken);

    public virtual ValueTask MarkPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken) =>
        inner.MarkPulledAuthorAsync(authorId, cancellationToken);
}
