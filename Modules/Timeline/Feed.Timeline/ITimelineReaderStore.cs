using Feed.Timeline.ReaderLifecycle;

namespace Feed.Timeline;

/// <summary>
/// Each reader's timeline read activity and rebuild mark (docs/timeline-lifecycle.md): who is active
/// enough to be fanned out to, and whether a rebuild is pending.
/// </summary>
internal interface ITimelineReaderStore
{
    /// <summary>The user's timeline read activity; null for a user who never read their timeline.</summary>
    ValueTask<TimelineReader?> GetReaderAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a read at <paramref name="readOn"/> (the last read never moves back) and marks a rebuild
    /// as started at <paramref name="readOn"/>, replacing any earlier mark; creates the reader if needed.
    /// </summary>
    ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken);

    /// <summary>Records a read of a known reader at <paramref name="readOn"/> (the last read never moves back); an unknown user stays unknown.</summary>
    ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken);

    /// <summary>Clears the rebuild mark, but only if it is still the one started at <paramref name="startedOn"/>.</summary>
    ValueTask CompleteRebuildAsync(Guid userId, DateTimeOffset startedOn, CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="userIds"/> whose last read is at or after <paramref name="readSince"/>, in one read (fan-out's activity filter).</summary>
    ValueTask<IReadOnlyCollection<Guid>> GetActiveReadersAsync(IReadOnlyCollection<Guid> userIds, DateTimeOffset readSince, CancellationToken cancellationToken);
}
