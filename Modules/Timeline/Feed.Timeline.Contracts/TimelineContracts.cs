namespace Feed.Timeline.Contracts;

/// <summary>One entry of a home timeline, hydrated for display.</summary>
public sealed record TimelineItem(Guid PostId, Guid UserId, string Username, string PostUrl, string PostType, DateTimeOffset CreatedOn);

/// <summary>A page of a home timeline, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record TimelinePage(IReadOnlyList<TimelineItem> Items, string? NextCursor);
