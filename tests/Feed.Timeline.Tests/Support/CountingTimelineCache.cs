using Feed.SharedKernel.Paging;

namespace Feed.Timeline.Tests.Support;

/// <summary>A real cache, passed through, counting the list reads made apart from the reader lookup.</summary>
internal sealed class CountingTimelineCache(ITimelineCache inner) : ForwardingTimelineCache(inner)
{
    private int _listReads;

    public int ListReads => _listReads;

    public override ValueTask<CachedRanges> ReadAsync(CachedList list, IReadOnlyList<Guid> ownerIds, SequenceKey? after, int limit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listReads);
        return base.ReadAsync(list, ownerIds, after, limit, cancellationToken);
    }
}
