using System.Collections.Immutable;

namespace Feed.Timeline.Live;

/// <summary>One process: a published message goes straight to this process's subscribers, and none is ever lost.</summary>
internal sealed class InMemoryLiveTimelineBus : ILiveTimelineBus
{
    private ImmutableArray<Action<LiveTimelineMessage>> _receivers = [];

    public ValueTask PublishAsync(LiveTimelineMessage message, CancellationToken cancellationToken)
    {
        foreach (var receive in _receivers)
        {
            receive(message);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SubscribeAsync(Action<LiveTimelineMessage> receive, Action interrupted, CancellationToken cancellationToken)
    {
        ImmutableInterlocked.Update(ref _receivers, static (receivers, added) => receivers.Add(added), receive);
        return ValueTask.CompletedTask;
    }
}
