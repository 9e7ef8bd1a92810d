using Feed.SharedKernel.Paging;

namespace Feed.Timeline;

/// <summary>No cache (<c>Feed:Timeline:Cache</c> = None): every read misses without a fill, so callers read the store exactly as they would without a cache.</summary>
internal sealed class NoTimelineCache : ITimelineCache
{
    public int Capacity => 0;

    public ValueTask<CachedRanges> ReadAsync(CachedList list, IReadOnlyList<Guid> ownerIds, SequenceKey? after, int limit, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CachedRanges.None);

    public ValueTask FillAsync(CachedList list, CacheFill fill, IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>> newest, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask AddAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask AddPostAsync(TimelinePost post, string authorName, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask<CachedPosts> GetPostsAsync(IReadOnlyCollection<Guid> postIds, DeletionsSeen? seen, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CachedPosts.None);

    public ValueTask FillPostsAsync(CacheFill fill, IReadOnlyCollection<TimelinePost> posts, IReadOnlyDictionary<Guid, string> authorNames, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask RemoveAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask DropAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask<CachedReader> ReadReaderAsync(Guid readerId, DateTimeOffset now, ReadAhead? ahead, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CachedReader.None);

    public ReaderState? LastKnownReader(Guid readerId) => null;

    public ValueTask FillReaderAsync(CacheFill fill, Guid readerId, ReaderState state, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask DropReadersAsync(IReadOnlyCollection<Guid> readerIds, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    /// <summary>No reader state is cached, so none can lack an author.</summary>
    public ValueTask<bool> IsPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(true);

    public ValueTask MarkPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}
