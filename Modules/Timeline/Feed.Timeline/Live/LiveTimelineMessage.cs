namespace Feed.Timeline.Live;

/// <summary>What a live message announces, and to whom it goes.</summary>
internal enum LiveMessageKind
{
    /// <summary>The subject (an author) has new posts in their followers' timelines: after fan-out, or a pulled post.</summary>
    AuthorPosted,

    /// <summary>The subject (an author) deleted posts: they leave every follower's timeline.</summary>
    AuthorRemoved,

    /// <summary>The subject (a reader) gained the recent posts of <see cref="LiveTimelineMessage.Followee"/>, after a follow's backfill.</summary>
    ReaderGained,

    /// <summary>The subject (a reader) lost the recent posts of <see cref="LiveTimelineMessage.Followee"/>, after an unfollow.</summary>
    ReaderLost,

    /// <summary>The subject (a reader) follows someone new or no longer: whose posts reach them changed.</summary>
    ReaderFollowingChanged,

    /// <summary>A message may have been lost on its way out (a publish failed): every open stream reads its timeline again.</summary>
    Resync,
}

/// <summary>A post as a live event names it: its key, never its content (a client reads the post itself).</summary>
internal sealed record LivePost(Guid PostId, DateTimeOffset CreatedOn);

/// <summary>
/// One message of the live bus. Author messages are one per post change, whatever the audience: each
/// instance finds its own connected readers who follow the author, so a fan-out to a million followers
/// is still one message. A follow or unfollow names the followee, not their posts: only an instance with
/// a stream of that reader open reads them.
/// </summary>
internal sealed record LiveTimelineMessage(LiveMessageKind Kind, Guid Subject, IReadOnlyList<LivePost> Posts, Guid? Followee = null);
