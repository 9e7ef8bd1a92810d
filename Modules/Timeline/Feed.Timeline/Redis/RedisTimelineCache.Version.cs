using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>The cache version and this process's distrust after failed writes or lost connections (see the class summary).</summary>
internal sealed partial class RedisTimelineCache
{
    // The version this process last read or set: post details cached at fan-out are tagged with it
    // without a read of their own.
    private volatile string? _knownVersion;

    private static readonly TimeSpan RenewalRetry = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stopping = new();
    private int _renewing;

    /// <summary>The version read with a batch; when there is none yet (new or flushed Redis), the one now set.</summary>
    private async ValueTask<string> CurrentVersionAsync(RedisValue read)
    {
        if (!read.IsNull)
        {
            return _knownVersion = read.ToString();
        }

        var batch = Database.CreateBatch();
        var set = batch.StringSetAsync(_versionKey, NewVersion(), when: When.NotExists);
        var get = batch.StringGetAsync(_versionKey);
        batch.Execute();
        await Task.WhenAll(set, get);
        return _knownVersion = get.Result.ToString();
    }

    /// <summary>The last version seen, unless failures since make this process distrust the cache.</summary>
    private string? TrustedVersion() => Covered() ? _knownVersion : null;

    /// <summary>True when a renewal has covered every failure counted so far (the cache is trusted).</summary>
    private bool Covered() => Volatile.Read(ref _covered) == Interlocked.Read(ref _failures);

    /// <summary>
    /// After failed writes or a lost connection, sets a new version before the next read, so that no
    /// list or post cached before them is trusted again. Failures during the renewal need another one.
    /// Returns false at once when the cache is trusted; true when this call had to wait for a renewal.
    /// </summary>
    private async ValueTask<bool> RenewVersionIfDistrustedAsync()
    {
        if (Covered())
        {
            return false;
        }

        await _renewal.WaitAsync();
        try
        {
            var failures = Interlocked.Read(ref _failures);
            if (Volatile.Read(ref _covered) == failures)
            {
                return true;
            }

            var version = NewVersion();
            await Database.StringSetAsync(_versionKey, version);
            _knownVersion = version;
            Volatile.Write(ref _covered, failures);
            LogVersionRenewed();
            return true;
        }
        finally
        {
            _renewal.Release();
        }
    }

    /// <summary>
    /// After a lost write, renews the version in the background at once and then every
    /// <see cref="RenewalRetry"/> until Redis takes it (one such loop at a time): other processes may
    /// serve what the write left stale until the renewal, so it must not wait for this process's next
    /// read or write (a process may make none).
    /// </summary>
    private void RenewInBackground()
    {
        if (Interlocked.Exchange(ref _renewing, 1) == 0)
        {
            _ = Task.Run(RenewUntilCoveredAsync);
        }
    }

    private async Task RenewUntilCoveredAsync()
    {
        try
        {
            while (true)
            {
                try
                {
                    await RenewVersionIfDistrustedAsync();
                }
                catch (Exception exception) when (IsUnavailable(exception))
                {
                    await Task.Delay(RenewalRetry, _stopping.Token);
                    continue;
                }

                // A failure counted while this loop ran started no loop of its own: go on for it.
                Volatile.Write(ref _renewing, 0);
                if (Covered() || Interlocked.Exchange(ref _renewing, 1) == 1)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // Disposed: the process is stopping.
        }
        catch (Exception exception)
        {
            // Not left marked as running: the next lost write starts another loop.
            Volatile.Write(ref _renewing, 0);
            LogRenewalFailed(exception);
        }
    }

    private static string NewVersion() => Guid.NewGuid().ToString("N");

    private static bool IsUnavailable(Exception exception) => exception is RedisException or RedisTimeoutException;

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) => Interlocked.Increment(ref _failures);

    private void Unavailable(Exception exception, string operation, bool lostWrite)
    {
        if (operation == "read")
        {
            // The caller answers this read from the store instead.
            _metrics?.CacheFallback();
        }

        if (lostWrite)
        {
            Interlocked.Increment(ref _failures);
            RenewInBackground();
        }

        if (Interlocked.Exchange(ref _degraded, 1) == 0)
        {
            LogUnavailable(exception, operation);
        }
        else
        {
            LogStillUnavailable(operation, exception.Message);
        }
    }

    /// <summary>The outage was reported already (at start-up, naming the setting): its first failed call logs no second warning.</summary>
    internal void OutageReported() => Interlocked.Exchange(ref _degraded, 1);

    private void Recovered()
    {
        if (Volatile.Read(ref _degraded) == 1 && Interlocked.Exchange(ref _degraded, 0) == 1)
        {
            LogRecovered();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timeline cache unavailable (Redis {Operation} failed); serving from the store until it is back")]
    private partial void LogUnavailable(Exception exception, string operation);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timeline cache still unavailable (Redis {Operation} failed: {Reason})")]
    private partial void LogStillUnavailable(string operation, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Timeline cache available again")]
    private partial void LogRecovered();

    [LoggerMessage(Level = LogLevel.Information, Message = "Timeline cache version renewed: lists and posts cached before it are refilled from the store on their next read")]
    private partial void LogVersionRenewed();

    [LoggerMessage(Level = LogLevel.Error, Message = "Timeline cache version renewal stopped; the next read or write renews it")]
    private partial void LogRenewalFailed(Exception exception);
}
