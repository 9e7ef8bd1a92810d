using Microsoft.Extensions.Logging;

namespace Feed.Timeline.Live;

/// <summary>
/// What the timeline's handlers announce to open streams, each after its change is readable (rows
/// written, read model updated). Best effort: a bus that fails is logged, never fails the delivery
/// that called it (the change is done; an outbox retry would redo all of it for one notice).
/// </summary>
internal sealed partial class LiveTimelineEvents(ILiveTimelineBus bus, ILogger<LiveTimelineEvents> logger)
{
    public ValueTask PostAddedAsync(TimelinePost post, CancellationToken cancellationToken) =>
        PublishAsync(new LiveTimelineMessage(LiveMessageKind.AuthorPosted, post.AuthorId, [new LivePost(post.PostId, post.CreatedOn)]), cancellationToken);

    public ValueTask PostRemovedAsync(TimelinePost post, CancellationToken cancellationToken) =>
        PublishAsync(new LiveTimelineMessage(LiveMessageKind.AuthorRemoved, post.AuthorId, [new LivePost(post.PostId, post.CreatedOn)]), cancellationToken);

    public ValueTask FollowingChangedAsync(Guid readerId, CancellationToken cancellationToken) =>
        PublishAsync(new LiveTimelineMessage(LiveMessageKind.ReaderFollowingChanged, readerId, []), cancellationToken);

    /// <summary>After a follow's backfill: the followee's recent posts (the ones a backfill writes) are new to the reader.</summary>
    public ValueTask FolloweeArrivedAsync(Guid readerId, Guid followeeId, CancellationToken cancellationToken) =>
        PublishAsync(new LiveTimelineMessage(LiveMessageKind.ReaderGained, readerId, [], followeeId), cancellationToken);

    /// <summary>After an unfollow: the author's recent posts leave the reader's timeline.</summary>
    public ValueTask FolloweeLeftAsync(Guid readerId, Guid followeeId, CancellationToken cancellationToken) =>
        PublishAsync(new LiveTimelineMessage(LiveMessageKind.ReaderLost, readerId, [], followeeId), cancellationToken);

    private async ValueTask PublishAsync(LiveTimelineMessage message, CancellationToken cancellationToken)
    {
        if (message.Posts.Count == 0 && message.Kind is LiveMessageKind.AuthorPosted or LiveMessageKind.AuthorRemoved)
        {
            return;
        }

        try
        {
            await bus.PublishAsync(message, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPublishFailed(logger, message.Kind, exception);
        }
    }

    // Debug: a Redis outage is reported by the cache and the health checks; one line per post here would flood the log.
    [LoggerMessage(Level = LogLevel.Debug, Message = "A live timeline update ({Kind}) was not sent; open streams show it on their next read.")]
    private static partial void LogPublishFailed(ILogger logger, LiveMessageKind kind, Exception exception);
}
