using System.Net;
using System.Net.Sockets;
using Feed.Testing;
using StackExchange.Redis;

namespace Feed.Timeline.Tests.Support;

/// <summary>
/// A TCP relay to the test Redis that a test can cut and restore: while cut, open connections are
/// dropped and new ones are closed at once, which is what a client sees when Redis goes down.
/// </summary>
internal sealed class RedisOutageProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _up = true;

    public RedisOutageProxy()
    {
        // A client of a cluster talks to every node it discovers, not only through this relay; outages
        // on a cluster are the failover test's (a node killed), not this relay's.
        Assert.SkipWhen(TestServers.RedisServer.Contains(',', StringComparison.Ordinal), "A relay in front of one node cannot cut off a Redis Cluster client.");
        var (host, port) = (TestServers.RedisServer.Split(':')[0], int.Parse(TestServers.RedisServer.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        _target = new IPEndPoint(IPAddress.Parse(host), port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string EndPoint => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>A connection of its own through this relay, as the service makes one, reconnecting quickly once restored.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = TimelineCacheRegistration.ConnectionOptions(EndPoint);
        options.ReconnectRetryPolicy = new LinearRetry(100);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public void Cut()
    {
        _up = false;
        lock (_gate)
        {
            foreach (var client in _open)
            {
                client.Dispose();
            }

            _open.Clear();
        }
    }

    public void Restore() => _up = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (!_up)
            {
                client.Dispose();
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        lock (_gate)
        {
            _open.Add(client);
            _open.Add(server);
        }

        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            var clientStream = client.GetStream();
            var serverStream = server.GetStream();
            await Task.WhenAny(clientStream.CopyToAsync(serverStream, _stop.Token), serverStream.CopyToAsync(clientStream, _stop.Token));
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The relay was cut or one side went away.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
