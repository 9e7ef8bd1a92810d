using System.Collections.Concurrent;
using Feed.Social.Contracts;
using Feed.Timeline.ReaderLifecycle;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Live;

/// <summary>
/// This instance's open streams, and the router of bus messages to them. An author message is offered
/// to each connection whose reader follows the author (each connection keeps its reader's followees,
/// read when it opens and again whenever the reader's following changes, on any instance).
/// </summary>
internal sealed partial class LiveTimelineHub(IServiceScopeFactory scopes, IOptions<LiveOptions> options, IOptions<TimelineLifecycleOptions> lifecycle, ILogger<LiveTimelineHub> logger)
{
    private readonly ConcurrentDictionary<LiveConnection, byte> _connections = new();

    // Open streams per reader, so that one user cannot hold an unbounded share of the instance.
    private readonly ConcurrentDictionary<Guid, int> _perReader = new();

    public int ConnectionCount => _connections.Count;

    /// <summary>The reader's new stream; null when they already hold <see cref="LiveOptions.MaxStreamsPerUser"/> here.</summary>
    public async Task<LiveConnection?> ConnectAsync(Guid readerId, CancellationToken cancellationToken)
    {
        if (!TryReserve(readerId, options.Value.MaxStreamsPerUser))
        {
            return null;
        }

        var connection = new LiveConnection(readerId, options.Value.ClientBufferSize);
        // Registered before the followees are read: a follow committed meanwhile triggers another read.
        _connections.TryAdd(connection, 0);
        try
        {
            await RefreshFolloweesAsync(connection, cancellationToken);
        }
        catch
        {
            Disconnect(connection);
            throw;
        }

        return connection;
    }

    public void Disconnect(LiveConnection connection)
    {
        if (_connections.TryRemove(connection, out _))
        {
            Release(connection.ReaderId);
        }

        connection.Close();
    }

    /// <summary>Called by the bus for every message; never blocks (offers are bounded, refreshes run apart).</summary>
    public void Receive(LiveTimelineMessage message)
    {
        foreach (var connection in _connections.Keys)
        {
            switch (message.Kind)
            {
                case LiveMessageKind.AuthorPosted when connection.Follows(message.Subject):
                    connection.Offer(LiveEvent.Added, message.Posts);
                    break;
                case LiveMessageKind.AuthorRemoved when connection.Follows(message.Subject):
                    connection.Offer(LiveEvent.Removed, message.Posts);
                    break;
                case LiveMessageKind.ReaderGained when connection.ReaderId == message.Subject && message.Followee is { } followee:
                    _ = InBackgroundAsync(() => OfferRecentPostsAsync(connection, followee, LiveEvent.Added));
                    break;
                case LiveMessageKind.ReaderLost when connection.ReaderId == message.Subject && message.Followee is { } followee:
                    _ = InBackgroundAsync(() => OfferRecentPostsAsync(connection, followee, LiveEvent.Removed));
                    break;
                case LiveMessageKind.ReaderFollowingChanged when connection.ReaderId == message.Subject:
                    _ = InBackgroundAsync(() => RefreshFolloweesAsync(connection, CancellationToken.None));
                    break;
                case LiveMessageKind.Resync:
                    connection.Missed();
                    break;
            }
        }
    }

    private bool TryReserve(Guid readerId, int max)
    {
        while (true)
        {
            var open = _perReader.GetOrAdd(readerId, 0);
            if (open >= max)
            {
                return false;
            }

            if (_perReader.TryUpdate(readerId, open + 1, open))
            {
                return true;
            }
        }
    }

    private void Release(Guid readerId)
    {
        while (_perReader.TryGetValue(readerId, out var open))
        {
            // The last one out removes the entry (only if no stream came meanwhile), so idle readers cost nothing.
            if (open <= 1 ? _perReader.TryRemove(new KeyValuePair<Guid, int>(readerId, open)) : _perReader.TryUpdate(readerId, open - 1, open))
            {
                return;
            }
        }
    }

    /// <summary>Called by the bus when messages may have been lost (it reconnected): every open stream here refetches.</summary>
    public void Interrupted()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Missed();
        }
    }

    private async Task InBackgroundAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
#pragma warning disable CA1031 // A failed read loses one notice (or keeps the old followees); the stream goes on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogRefreshFailed(logger, exception);
        }
    }

    private async Task RefreshFolloweesAsync(LiveConnection connection, CancellationToken cancellationToken)
    {
        var refresh = connection.StartRefresh();
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        connection.SetFollowees(refresh, await sender.Send(new GetFolloweeIds(connection.ReaderId), cancellationToken));
    }

    /// <summary>The followee's recent posts (what a follow's backfill writes, an unfollow removes), read only for a reader whose stream is open here.</summary>
    private async Task OfferRecentPostsAsync(LiveConnection connection, Guid followeeId, string type)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        var recent = await sender.Send(new GetRecentPosts(followeeId, lifecycle.Value.BackfillSize), CancellationToken.None);
        connection.Offer(type, recent.Select(static post => new LivePost(post.PostId, post.CreatedOn)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live stream could not read what changed for its reader; it misses this notice.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
