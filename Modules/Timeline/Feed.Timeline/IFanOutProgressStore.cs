namespace Feed.Timeline;

/// <summary>Where an interrupted fan-out of a post resumes: kept per post until the fan-out is done.</summary>
internal interface IFanOutProgressStore
{
    /// <summary>Where an interrupted fan-out of <paramref name="postId"/> resumes: the follower cursor after its last written batch, or null.</summary>
    ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken);

    /// <summary>Records that every follower before <paramref name="followerCursor"/> has the post; null means the fan-out is done and forgets it.</summary>
    ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken);
}
