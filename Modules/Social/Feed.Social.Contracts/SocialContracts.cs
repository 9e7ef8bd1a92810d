using Mediator;

namespace Feed.Social.Contracts;

/// <summary>A post as other modules see it.</summary>
public sealed record PostSummary(Guid PostId, Guid AuthorId, string PostUrl, string PostType, DateTimeOffset CreatedOn);

/// <summary>Published after a post is saved; the Timeline module fans it out (or records it for pull).</summary>
public sealed record PostCreated(PostSummary Post) : INotification;

/// <summary>Published after a post is deleted by its author.</summary>
public sealed record PostDeleted(Guid PostId, Guid AuthorId) : INotification;

/// <summary>
/// Published after a new follow; <paramref name="FolloweeFollowerCount"/> is the count after it (as of this
/// follow only: a late or repeated delivery carries a count that may be stale; ask <see cref="GetFollowerCount"/>).
/// </summary>
public sealed record UserFollowed(Guid FollowerId, Guid FolloweeId, DateTimeOffset FollowedOn, long FolloweeFollowerCount) : INotification;

/// <summary>Published after an unfollow; <paramref name="FolloweeFollowerCount"/> is the count after it (as of this unfollow only).</summary>
public sealed record UserUnfollowed(Guid FollowerId, Guid FolloweeId, long FolloweeFollowerCount) : INotification;

/// <summary>
/// Published in-process, right after a follow or unfollow by <paramref name="FollowerId"/> commits (not
/// through the outbox, and even when nothing changed): whoever keeps that user's followee list, or
/// anything read from it, must read it again before serving it.
/// </summary>
public sealed record FollowingChanged(Guid FollowerId) : INotification;

/// <summary>
/// One batch of a user's followers, for fan-out. Pass the returned <see cref="FollowerBatch.NextCursor"/>
/// back as <paramref name="Cursor"/> until it is null.
/// </summary>
public sealed record GetFollowerBatch(Guid FolloweeId, string? Cursor, int BatchSize) : IQuery<FollowerBatch>;

public sealed record FollowerBatch(IReadOnlyList<Guid> FollowerIds, string? NextCursor);

/// <summary>How many follow the user now (one key lookup), read from the follows themselves.</summary>
public sealed record GetFollowerCount(Guid UserId) : IQuery<long>;

/// <summary>Everyone the user follows (read-time merge needs the influencers among them).</summary>
public sealed record GetFolloweeIds(Guid FollowerId) : IQuery<IReadOnlyList<Guid>>;

/// <summary>An author's newest posts, newest first (follow backfill, rebuilds).</summary>
public sealed record GetRecentPosts(Guid AuthorId, int Limit) : IQuery<IReadOnlyList<PostSummary>>;
