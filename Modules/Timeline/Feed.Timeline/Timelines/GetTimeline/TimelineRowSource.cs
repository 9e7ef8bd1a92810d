using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>The reader's own <c>timeline</c> rows: the pushed posts of the ordinary authors they follow.</summary>
internal sealed class TimelineRowSource(TimelineReads reads, Guid userId, SequenceKey? after) : ITimelineSource
{
    private readonly List<TimelineEntry> _entries = [];
    private int _chunk;
    private Task? _first;

    public IReadOnlyList<TimelineEntry> Entries => _entries;

    public bool HasMore { get; private set; } = true;

    public SequenceKey Horizon { get; private set; }

    /// <summary>
    /// Starts the first chunk's read now (beside the reader's state, so that both share a round trip);
    /// the first <see cref="FetchAsync"/> then waits for it instead of reading.
    /// </summary>
    public void Prefetch(int wanted, CancellationToken cancellationToken) => _first = FetchAsync(wanted, cancellationToken).AsTask();

    /// <summary>Waits for a prefetch that will not be used; its failure, if any, is observed and does not concern the caller.</summary>
    public async Task AbandonAsync()
    {
        if (_first is { } prefetched)
        {
            _first = null;
            await prefetched.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask FetchAsync(int wanted, CancellationToken cancellationToken)
    {
        if (_first is { } prefetched)
        {
            _first = null;
            await prefetched;
            return;
        }

        if (!HasMore)
        {
            return;
        }

        var first = _chunk == 0;
        _chunk = first ? Math.Clamp(wanted, 1, TimelineChunks.MaxChunk) : TimelineChunks.Next(_chunk, wanted);
        var rows = await reads.GetTimelineRowsAsync(userId, first ? after : Horizon, _chunk + 1, cancellationToken);

        HasMore = rows.Count > _chunk;
        var kept = HasMore ? _chunk : rows.Count;
        _entries.EnsureCapacity(_entries.Count + kept);
        for (var i = 0; i < kept; i++)
        {
            _entries.Add(rows[i]);
        }

        if (HasMore)
        {
            Horizon = rows[kept - 1].Key;
        }
    }
}
