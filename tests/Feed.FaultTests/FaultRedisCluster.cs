namespace Feed.FaultTests;

/// <summary>
/// A throw-away 3-master, 3-replica Redis Cluster of the fault tests' own (<c>build/redis-cluster.sh</c>),
/// for the tests that need one. Its ports are searched from 48000, away from the suite's cluster
/// (from 47000, started by build/test.sh beside these tests), so the two never race for a port.
/// </summary>
public sealed class FaultRedisCluster : IAsyncLifetime
{
    private const string BasePort = "48000";

    private Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    /// <summary>A StackExchange.Redis connection string naming every node.</summary>
    public string ConnectionString => _environment["FEED_TEST_REDIS_CLUSTER"];

    public async ValueTask InitializeAsync()
    {
        if (FaultServers.Available)
        {
            _environment = await FaultShell.StartAsync(
                "feed_redis_cluster_start",
                new Dictionary<string, string> { ["FEED_REDIS_CLUSTER_BASE_PORT"] = BasePort });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_environment.Count > 0)
        {
            // Stops exactly the nodes this fixture started: their ports and directory are in its environment.
            await FaultShell.RunAsync("feed_redis_cluster_stop", _environment);
        }
    }
}
