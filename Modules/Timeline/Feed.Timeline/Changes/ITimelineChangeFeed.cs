namespace Feed.Timeline.Changes;

/// <summary>
/// Carries <see cref="TimelineChanges"/> between the processes of one deployment, so that each can
/// stop reusing what it read before a change made elsewhere. Reuse is safe only while
/// <see cref="DeliversAll"/>; an adapter that cannot promise it says false and nothing is reused.
/// </summary>
internal interface ITimelineChangeFeed
{
    /// <summary>True while every change published by any process reaches this one.</summary>
    bool DeliversAll { get; }

    /// <summary>Starts receiving: <paramref name="received"/> gets other processes' changes, <paramref name="missed"/> is called whenever some may have been lost.</summary>
    ValueTask StartAsync(Action<TimelineChange> received, Action missed, CancellationToken cancellationToken);

    /// <summary>Sends a change this process made (and already applied) to the others. Never throws because the feed is unreachable.</summary>
    ValueTask PublishAsync(TimelineChange change, CancellationToken cancellationToken);
}

/// <summary>One process holds all the data (the in-memory store): every change is made here, so nothing can be missed.</summary>
internal sealed class InProcessTimelineChangeFeed : ITimelineChangeFeed
{
    public bool DeliversAll => true;

    public ValueTask StartAsync(Action<TimelineChange> received, Action missed, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask PublishAsync(TimelineChange change, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>A shared store and no feed between processes (PostgreSQL without Redis): changes made elsewhere go unseen, so nothing is reused.</summary>
internal sealed class NoTimelineChangeFeed : ITimelineChangeFeed
{
    public bool DeliversAll => false;

    public ValueTask StartAsync(Action<TimelineChange> received, Action missed, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask PublishAsync(TimelineChange change, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
