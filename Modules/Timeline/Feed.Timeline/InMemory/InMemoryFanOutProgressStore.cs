using System.Collections.Concurrent;

namespace Feed.Timeline.InMemory;

/// <summary>Fan-out progress in process memory; safe for concurrent requests.</summary>
internal sealed class InMemoryFanOutProgressStore : IFanOutProgressStore
{
    private readonly ConcurrentDictionary<Guid, string> _fanOutProgress = new();

    public ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_fanOutProgress.TryGetValue(postId, out var cursor) ? cursor : null);

    public ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken)
    {
        if (followerCursor is null)
        {
            _fanOutProgress.TryRemove(postId, out _);
        }
        else
        {
            _fanOutProgress[postId] = followerCursor;
        }

        return ValueTask.CompletedTask;
    }
}
