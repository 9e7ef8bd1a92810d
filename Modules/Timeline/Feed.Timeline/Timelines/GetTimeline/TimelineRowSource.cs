using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>The reader's own <c>timeline</c> rows: the pushed posts of the ordinary authors they follow.</summary>
internal sealed class TimelineRowSource(TimelineReads reads, Guid userId, SequenceKey? after) : ITimelineSource
{
    private readonly List<TimelineEntry> _entries = [];
    private int _chunk;

    public IReadOnlyList<TimelineEntry> Entries => _entries;

    public bool HasMore { get; private set; } = true;

    public SequenceKey Horizon { get; private set; }

    /// <summary>The limit of the first read for <paramref name="wanted"/> entries: what a read ahead asks for to answer it.</summary>
    public static int FirstReadLimit(int wanted) => Math.Clamp(wanted, 1, TimelineChunks.MaxChunk) + 1;

    public async ValueTask FetchAsync(int wanted, CancellationToken cancellationToken)
    {
        if (!HasMore)
        {
            return;
        }

        var first = _chunk == 0;
        _chunk = first ? FirstReadLimit(wanted) - 1 : TimelineChunks.Next(_chunk, wanted);
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
