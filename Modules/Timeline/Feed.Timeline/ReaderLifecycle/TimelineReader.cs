namespace Feed.Timeline.ReaderLifecycle;

/// <summary>
/// A user's timeline read activity (one <c>timeline_readers</c> row). Fan-out skips users whose
/// <see cref="LastReadOn"/> is older than <c>Feed:Timeline:InactiveAfter</c>; their next read rebuilds
/// the timeline first. <see cref="RebuildStartedOn"/> is set while such a rebuild is unfinished, so a
/// rebuild cut short by a crash is done again on the next read.
/// </summary>
internal sealed record TimelineReader(DateTimeOffset LastReadOn, DateTimeOffset? RebuildStartedOn);
