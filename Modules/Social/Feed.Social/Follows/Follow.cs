namespace Feed.Social.Follows;

/// <summary>
/// One side of a follow as a listing sees it: the other user and when the follow began.
/// In <c>followers</c> rows <see cref="UserId"/> is the follower; in <c>following</c> rows, the followee.
/// </summary>
internal sealed record FollowEntry(Guid UserId, DateTimeOffset FollowedOn);

/// <summary>
/// The outcome of a follow or unfollow: whether it changed anything, and the followee's follower
/// count right after it (read in the same atomic step, so concurrent changes cannot skew it).
/// </summary>
internal sealed record FollowChange(bool Changed, long FolloweeFollowerCount);

/// <summary>A follower or followee as the HTTP API lists them.</summary>
internal sealed record FollowListItem(Guid UserId, string Username, DateTimeOffset FollowedOn);
