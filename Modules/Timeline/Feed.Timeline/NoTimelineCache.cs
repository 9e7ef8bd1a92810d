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

    public ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask<CachedPosts> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CachedPosts.None);

    public ValueTask FillPostsAsync(CacheFill fill, IReadOnlyCollection<TimelinePost> posts, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask RemoveAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;

    public ValueTask DropAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask;
}
