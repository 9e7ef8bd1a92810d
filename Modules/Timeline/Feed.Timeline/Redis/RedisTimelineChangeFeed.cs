using Feed.Timeline.Changes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// The change feed on a Redis pub/sub channel (<c>{prefix}timeline-changes</c>), on the cache's
/// connection. A message is the sending process's id (16 bytes), a kind (1 byte) and the changed ids
/// (16 bytes each); a process ignores its own changes, which it applied before publishing.
/// <para>
/// Pub/sub delivers only to connected subscribers, so the feed vouches for completeness
/// (<see cref="DeliversAll"/>) only from the moment a probe it published came back through the channel
/// (the subscription is live) until any connection fails; each of those moments counts as "missed".
/// A process that failed to publish owes the others a "forget": it publishes one as soon as Redis takes
/// its commands again, before any other change.
/// </para>
/// </summary>
internal sealed partial class RedisTimelineChangeFeed : ITimelineChangeFeed, IDisposable
{
    private const byte Forget = 0xF0;
    private const byte Probe = 0xF1;
    private const int IdBytes = 16;

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(200);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly ILogger<RedisTimelineChangeFeed> _logger;
    private readonly Guid _process = Guid.NewGuid();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Action<TimelineChange>? _received;
    private Action? _missed;
    private Guid _probe;
    private bool _live;
    private int _owesForget;

    public RedisTimelineChangeFeed(IConnectionMultiplexer redis, IOptions<TimelineOptions> options, ILogger<RedisTimelineChangeFeed> logger)
    {
        _redis = redis;
        _channel = RedisChannel.Literal(options.Value.CacheKeyPrefix + "timeline-changes");
        _logger = logger;
    }

    public bool DeliversAll => Volatile.Read(ref _live);

    public ValueTask StartAsync(Action<TimelineChange> received, Action missed, CancellationToken cancellationToken)
    {
        _received = received;
        _missed = missed;
        _redis.ConnectionFailed += OnConnectionFailed;
        _ = KeepLiveAsync(_stopping.Token);
        return ValueTask.CompletedTask;
    }

    public async ValueTask PublishAsync(TimelineChange change, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _owesForget) == 1 && !await SettleForgetAsync())
        {
            return;
        }

        var message = new byte[IdBytes + 1 + (IdBytes * change.Ids.Count)];
        Header(message, (byte)change.Kind);
        var offset = IdBytes + 1;
        foreach (var id in change.Ids)
        {
            id.TryWriteBytes(message.AsSpan(offset, IdBytes));
            offset += IdBytes;
        }

        await TrySendAsync(message);
    }

    public void Dispose()
    {
        _redis.ConnectionFailed -= OnConnectionFailed;
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>
    /// While the feed is not live: subscribes (once that succeeds, SE.Redis renews the subscription
    /// after reconnecting), settles an owed forget, and sends a probe; a probe can be lost while the
    /// subscription is being renewed, so one is sent at every interval until one comes back.
    /// </summary>
    private async Task KeepLiveAsync(CancellationToken stopping)
    {
        var subscribed = false;
        while (!stopping.IsCancellationRequested)
        {
            if (!DeliversAll)
            {
                try
                {
                    if (!subscribed)
                    {
                        await _redis.GetSubscriber().SubscribeAsync(_channel, (_, message) => Receive(message));
                        subscribed = true;
                    }

                    if (await SettleForgetAsync())
                    {
                        await SendProbeAsync();
                    }
                }
                catch (Exception exception) when (IsUnavailable(exception))
                {
                    LogUnavailable(exception.Message);
                }
            }

            try
            {
                await Task.Delay(ProbeInterval, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Receive(RedisValue value)
    {
        var message = (ReadOnlyMemory<byte>)value;
        if (message.Length < IdBytes + 1)
        {
            return;
        }

        var span = message.Span;
        var kind = span[IdBytes];
        if (new Guid(span[..IdBytes]) == _process)
        {
            if (kind == Probe && message.Length == (2 * IdBytes) + 1)
            {
                ProbeReturned(new Guid(span[(IdBytes + 1)..]));
            }

            return;
        }

        switch (kind)
        {
            case Forget:
                _missed?.Invoke();
                break;
            case (byte)TimelineChangeKind.Readers or (byte)TimelineChangeKind.Authors:
                var ids = new Guid[(message.Length - IdBytes - 1) / IdBytes];
                for (var i = 0; i < ids.Length; i++)
                {
                    ids[i] = new Guid(span.Slice(IdBytes + 1 + (i * IdBytes), IdBytes));
                }

                _received?.Invoke(new TimelineChange((TimelineChangeKind)kind, ids));
                break;
        }
    }

    private void ProbeReturned(Guid probe)
    {
        lock (_gate)
        {
            if (probe != _probe || _live)
            {
                return;
            }

            // Whatever was stamped before the subscription was live may have missed changes.
            _missed?.Invoke();
            Volatile.Write(ref _live, true);
        }

        LogLive();
    }

    private async Task SendProbeAsync()
    {
        var probe = Guid.NewGuid();
        lock (_gate)
        {
            _probe = probe;
        }

        var message = new byte[(2 * IdBytes) + 1];
        Header(message, Probe);
        probe.TryWriteBytes(message.AsSpan(IdBytes + 1));
        await TrySendAsync(message);
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        bool wasLive;
        lock (_gate)
        {
            wasLive = _live;
            Volatile.Write(ref _live, false);
            _probe = Guid.Empty;
        }

        _missed?.Invoke();
        if (wasLive)
        {
            LogLost();
        }
    }

    /// <summary>Publishes the forget this process owes, if it still owes one; true once nothing is owed.</summary>
    private async Task<bool> SettleForgetAsync()
    {
        if (Interlocked.Exchange(ref _owesForget, 0) == 0)
        {
            return true;
        }

        var message = new byte[IdBytes + 1];
        Header(message, Forget);
        return await TrySendAsync(message);
    }

    private async Task<bool> TrySendAsync(byte[] message)
    {
        try
        {
            await _redis.GetSubscriber().PublishAsync(_channel, message);
            return true;
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            // Other processes may go on reusing what this change made stale: they are told to forget
            // everything as soon as Redis is reachable again.
            Volatile.Write(ref _owesForget, 1);
            LogPublishFailed(exception.Message);
            return false;
        }
    }

    private void Header(byte[] message, byte kind)
    {
        _process.TryWriteBytes(message.AsSpan(0, IdBytes));
        message[IdBytes] = kind;
    }

    private static bool IsUnavailable(Exception exception) => exception is RedisException or RedisTimeoutException;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timeline change feed not live yet ({Reason}); timeline pages are not reused until it is")]
    private partial void LogUnavailable(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timeline change not published ({Reason}); other processes will be told to forget")]
    private partial void LogPublishFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timeline change feed lost its connection; timeline pages are not reused until it is live again")]
    private partial void LogLost();

    [LoggerMessage(Level = LogLevel.Information, Message = "Timeline change feed live; timeline pages are reused")]
    private partial void LogLive();
}
