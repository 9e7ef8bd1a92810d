namespace Feed.Timeline.Live;

/// <summary>
/// Carries live messages to every API instance (the port; one adapter per transport): in process
/// when there is no Redis, Redis pub/sub otherwise. Delivery is at most once: a client that misses a
/// message still finds the post on its next read.
/// </summary>
internal interface ILiveTimelineBus
{
    ValueTask PublishAsync(LiveTimelineMessage message, CancellationToken cancellationToken);

    /// <summary>Returns once messages published from now on reach <paramref name="receive"/>, which must not block.</summary>
    ValueTask SubscribeAsync(Action<LiveTimelineMessage> receive, CancellationToken cancellationToken);
}
