using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Feed.Timeline.Tests.Support;

/// <summary>
/// <c>MONITOR</c> on the Redis server that holds a key (on a cluster, that key's node): the commands it
/// runs, in the order it runs them, one line each as Redis prints them. For tests of what must reach
/// Redis before what.
/// </summary>
internal sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly StreamReader _lines;
    private readonly List<string> _seen = [];

    private RedisMonitor(TcpClient client, StreamReader lines)
    {
        _client = client;
        _lines = lines;
    }

    public static async Task<RedisMonitor> StartAsync(IConnectionMultiplexer redis, RedisKey key, CancellationToken cancellationToken)
    {
        var (host, port) = redis.GetServer(key).EndPoint switch
        {
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            DnsEndPoint dns => (dns.Host, dns.Port),
            var other => throw new NotSupportedException($"endpoint {other}"),
        };
        var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync("MONITOR\r\n"u8.ToArray(), cancellationToken);
        var lines = new StreamReader(stream, Encoding.UTF8);
        var ok = await lines.ReadLineAsync(cancellationToken);
        Assert.Equal("+OK", ok);
        return new RedisMonitor(client, lines);
    }

    /// <summary>The commands run so far, up to and including the first line that <paramref name="last"/> accepts.</summary>
    public async Task<IReadOnlyList<string>> UntilAsync(Func<string, bool> last, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (await _lines.ReadLineAsync(timeout.Token) is { } line)
        {
            _seen.Add(line);
            if (last(line))
            {
                return _seen;
            }
        }

        throw new InvalidOperationException("MONITOR ended before the awaited command");
    }

    public ValueTask DisposeAsync()
    {
        _lines.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
