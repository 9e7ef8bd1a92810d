using Feed.SharedKernel.Paging;
using Feed.Timeline.Lifecycle;

namespace Feed.Timeline.Tests.Support;

/// <summary>Wraps a store and records the range reads, to check how the merge talks to the store.</summary>
internal sealed class RecordingTimelineStore(ITimelineStore inner) : ITimelineStore
{
    public List<(Guid UserId, SequenceKey? After, int Limit)> RowReads { get; } = [];

    public List<(Guid[] InfluencerIds, SequenceKey? After, int LimitPerInfluencer)> InfluencerReads { get; } = [];

    public int PostLookups { get; private set; }

    /// <summary>Reader activity lookups (<see cref="GetReaderAsync"/>) and pulled-followee lookups since the last reset.</summary>
    public int ReaderLookups { get; private set; }

    public int PulledAuthorLookups { get; private set; }

    public ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken) =>
        inner.SavePostAsync(post, cancellationToken);

    public ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken)
    {
        lock (RowReads)
        {
            PostLookups++;
        }

        return inner.GetPostsAsync(postIds, cancellationToken);
    }

    public ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.AddTimelineRowsAsync(userIds, entry, cancellationToken);

    /// <summary>Runs before the next timeline row read (a write racing a read); cleared by whoever wants it once.</summary>
    public Func<Task>? BeforeRowRead { get; set; }

    public async ValueTask<IReadOnlyList<TimelineEntry>> GetTimelineRowsAsync(Guid userId, SequenceKey? after, int limit, CancellationToken cancellationToken)
    {
        lock (RowReads)
        {
            RowReads.Add((userId, after, limit));
        }

        if (BeforeRowRead is { } before)
        {
            await before();
        }

        return await inner.GetTimelineRowsAsync(userId, after, limit, cancellationToken);
    }

    public ValueTask AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.AddInfluencerPostAsync(entry, cancellationToken);

    public ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> GetInfluencerPostsAsync(
        IReadOnlyCollection<Guid> influencerIds,
        SequenceKey? after,
        int limitPerInfluencer,
        CancellationToken cancellationToken)
    {
        lock (RowReads)
        {
            InfluencerReads.Add((influencerIds.ToArray(), after, limitPerInfluencer));
        }

        return inner.GetInfluencerPostsAsync(influencerIds, after, limitPerInfluencer, cancellationToken);
    }

    public ValueTask<IReadOnlyCollection<Guid>> GetAuthorsWithInfluencerPostsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken)
    {
        lock (RowReads)
        {
            PulledAuthorLookups++;
        }

        return inner.GetAuthorsWithInfluencerPostsAsync(authorIds, cancellationToken);
    }

    public ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken) =>
        inner.RemovePostAsync(authorId, postId, cancellationToken);

    public ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken) =>
        inner.AddTimelineEntriesAsync(userId, entries, cancellationToken);

    public ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.RemoveTimelineRowsAsync(userIds, entry, cancellationToken);

    public ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken) =>
        inner.RemoveAuthorTimelineRowsAsync(userId, authorId, cancellationToken);

    public ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken)
    {
        lock (RowReads)
        {
            ReaderLookups++;
        }

        return inner.GetReaderAsync(userId, cancellationToken);
    }

    public ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        inner.StartRebuildAsync(userId, readOn, cancellationToken);

    public ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        inner.RecordReadAsync(userId, readOn, cancellationToken);

    public ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken) =>
        inner.CompleteRebuildAsync(userId, startedOn, cancellationToken);

    public ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken) =>
        inner.GetActiveReadersAsync(userIds, readSince, cancellationToken);

    public ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, DateTimeOffset readSince, CancellationToken cancellationToken) =>
        inner.AddActiveTimelineRowsAsync(userIds, entry, readSince, cancellationToken);

    public ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken) =>
        inner.GetFanOutProgressAsync(postId, cancellationToken);

    public ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken) =>
        inner.SaveFanOutProgressAsync(postId, followerCursor, cancellationToken);

    public void Reset()
    {
        lock (RowReads)
        {
            RowReads.Clear();
            InfluencerReads.Clear();
            PostLookups = 0;
            ReaderLookups = 0;
            PulledAuthorLookups = 0;
        }
    }
}
