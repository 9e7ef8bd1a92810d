namespace Feed.Timeline.Live;

/// <summary>
/// Carries live messages to every API instance (the port; one adapter per transport): in process
/// when there is no Redis, Redis pub/sub otherwise. Delivery is at most once: a client that misses a
/// message still finds the post on its next read, and is told to read when the bus itself may have lost
/// some (a reconnect, or a publish that failed: see <see cref="LiveMessageKind.Resync"/>).
/// </summary>
internal interface ILiveTimelineBus
{
    ValueTask PublishAsync(LiveTimelineMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Returns once messages published from now on reach <paramref name="receive"/>; <paramref name="interrupted"/>
    /// is called whenever messages may have been lost since (the transport was cut and is back). Neither may block.
    /// </summary>
    ValueTask SubscribeAsync(Action<LiveTimelineMessage> receive, Action interrupted, CancellationToken cancellationToken);
}
