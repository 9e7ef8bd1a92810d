namespace Feed.Timeline.Changes;

/// <summary>What a change touched: whose timeline, or whose posts.</summary>
internal enum TimelineChangeKind : byte
{
    /// <summary>These readers' own timelines (rows written or removed, follows changed).</summary>
    Readers = 1,

    /// <summary>What these authors show on any timeline (posts pulled, deleted, a push/pull switch).</summary>
    Authors = 2,
}

/// <summary>One change, as the change feed carries it between processes.</summary>
internal sealed record TimelineChange(TimelineChangeKind Kind, IReadOnlyCollection<Guid> Ids);
