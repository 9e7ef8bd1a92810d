using Feed.SharedKernel.Paging;
using Feed.Timeline.ReaderLifecycle;

namespace Feed.Timeline.Tests.Support;

/// <summary>Wraps the stores and records the range reads, to check how the merge talks to them.</summary>
internal sealed class RecordingTimelineStore(TimelineStores inner)
    : ITimelinePostStore, ITimelineRowStore, ITimelineReaderStore, IFanOutProgressStore
{
    public List<(Guid UserId, SequenceKey? After, int Limit)> RowReads { get; } = [];

    public List<(Guid[] InfluencerIds, SequenceKey? After, int LimitPerInfluencer)> InfluencerReads { get; } = [];

    public int PostLookups { get; private set; }

    /// <summary>Reader activity lookups (<see cref="GetReaderAsync"/>) and pulled-followee lookups since the last reset.</summary>
    public int ReaderLookups { get; private set; }

    public int PulledAuthorLookups { get; private set; }

    public ValueTask<bool> SavePostAsync(TimelinePost post, CancellationToken cancellationToken) =>
        inner.Posts.SavePostAsync(post, cancellationToken);

    public ValueTask<IReadOnlyDictionary<Guid, TimelinePost>> GetPostsAsync(IReadOnlyCollection<Guid> postIds, CancellationToken cancellationToken)
    {
        lock (RowReads)
        {
            PostLookups++;
        }

        return inner.Posts.GetPostsAsync(postIds, cancellationToken);
    }

    public ValueTask AddTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.Rows.AddTimelineRowsAsync(userIds, entry, cancellationToken);

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

        return await inner.Rows.GetTimelineRowsAsync(userId, after, limit, cancellationToken);
    }

    public ValueTask<bool> AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.Posts.AddInfluencerPostAsync(entry, cancellationToken);

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

        return inner.Posts.GetInfluencerPostsAsync(influencerIds, after, limitPerInfluencer, cancellationToken);
    }

    public ValueTask<IReadOnlyCollection<Guid>> GetPulledAuthorsAsync(IReadOnlyCollection<Guid> authorIds, CancellationToken cancellationToken)
    {
        lock (RowReads)
        {
            PulledAuthorLookups++;
        }

        return inner.Posts.GetPulledAuthorsAsync(authorIds, cancellationToken);
    }

    public ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken) =>
        inner.Posts.RemovePostAsync(authorId, postId, cancellationToken);

    public ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken) =>
        inner.Rows.AddTimelineEntriesAsync(userId, entries, cancellationToken);

    public ValueTask RemoveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, CancellationToken cancellationToken) =>
        inner.Rows.RemoveTimelineRowsAsync(userIds, entry, cancellationToken);

    public ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken) =>
        inner.Rows.RemoveAuthorTimelineRowsAsync(userId, authorId, cancellationToken);

    public ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken)
    {
        lock (RowReads)
        {
            ReaderLookups++;
        }

        return inner.Readers.GetReaderAsync(userId, cancellationToken);
    }

    public ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        inner.Readers.StartRebuildAsync(userId, readOn, cancellationToken);

    public ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken) =>
        inner.Readers.RecordReadAsync(userId, readOn, cancellationToken);

    public ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken) =>
        inner.Readers.CompleteRebuildAsync(userId, startedOn, cancellationToken);

    public ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken) =>
        inner.Readers.GetActiveReadersAsync(userIds, readSince, cancellationToken);

    public ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, DateTimeOffset readSince, CancellationToken cancellationToken) =>
        inner.Rows.AddActiveTimelineRowsAsync(userIds, entry, readSince, cancellationToken);

    public ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken) =>
        inner.FanOutProgress.GetFanOutProgressAsync(postId, cancellationToken);

    public ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken) =>
        inner.FanOutProgress.SaveFanOutProgressAsync(postId, followerCursor, cancellationToken);

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
