using System.Collections.Concurrent;
using Feed.Social.Contracts;
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
internal sealed partial class LiveTimelineHub(IServiceScopeFactory scopes, IOptions<LiveOptions> options, ILogger<LiveTimelineHub> logger)
{
    private readonly ConcurrentDictionary<LiveConnection, byte> _connections = new();

    public int ConnectionCount => _connections.Count;

    public async Task<LiveConnection> ConnectAsync(Guid readerId, CancellationToken cancellationToken)
    {
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
        _connections.TryRemove(connection, out _);
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
                case LiveMessageKind.ReaderGained when connection.ReaderId == message.Subject:
                    connection.Offer(LiveEvent.Added, message.Posts);
                    break;
                case LiveMessageKind.ReaderLost when connection.ReaderId == message.Subject:
                    connection.Offer(LiveEvent.Removed, message.Posts);
                    break;
                case LiveMessageKind.ReaderFollowingChanged when connection.ReaderId == message.Subject:
                    _ = RefreshInBackgroundAsync(connection);
                    break;
            }
        }
    }

    private async Task RefreshInBackgroundAsync(LiveConnection connection)
    {
        try
        {
            await RefreshFolloweesAsync(connection, CancellationToken.None);
        }
#pragma warning disable CA1031 // A failed refresh keeps the old followees; the stream goes on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogRefreshFailed(logger, exception);
        }
    }

    private async Task RefreshFolloweesAsync(LiveConnection connection, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();
        connection.SetFollowees(await sender.Send(new GetFolloweeIds(connection.ReaderId), cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live stream could not read its reader's followees again; it keeps the previous list.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
