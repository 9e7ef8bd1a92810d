using Feed.Testing;
using Feed.Timeline.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline.Tests.Support;

/// <summary>
/// A <see cref="RedisTimelineCache"/> on the test Redis (FEED_TEST_REDIS) with a key prefix of its
/// own, so tests running in parallel never see each other's keys. Tests that flush a whole database
/// use <see cref="FlushedDatabase"/>, which no key-inspecting test uses.
/// </summary>
internal sealed class RedisTestCache : IDisposable
{
    /// <summary>The database of the tests that FLUSHDB; everything else uses database 0.</summary>
    public const int FlushedDatabase = 1;

    // One connection for the whole test run, as the service has one.
    private static readonly Lazy<Task<ConnectionMultiplexer>> SharedRedis = new(TestServers.ConnectRedisAsync);

    private RedisTestCache(IConnectionMultiplexer redis, int database, int cacheSize, string prefix, int keptInfluencerLists = 10_000, int keptReaderStates = 20_000, int keptPosts = 100_000)
    {
        Redis = redis;
        Database = database;
        Prefix = prefix;
        Cache = new RedisTimelineCache(
            redis,
            Options.Create(new TimelineOptions { CacheSize = cacheSize, CacheKeyPrefix = prefix, KeptInfluencerLists = keptInfluencerLists, KeptReaderStates = keptReaderStates, KeptPosts = keptPosts }),
            NullLogger<RedisTimelineCache>.Instance,
            database);
    }

    public RedisTimelineCache Cache { get; }

    public IConnectionMultiplexer Redis { get; }

    public int Database { get; }

    public string Prefix { get; }

    public IDatabase Db => Redis.GetDatabase(Database);

    /// <summary>A cache with a prefix of its own; on a Redis Cluster (database 0 only) in database 0 whatever is asked.</summary>
    public static async Task<RedisTestCache> CreateAsync(int cacheSize = 800, int database = 0)
    {
        var redis = await SharedRedis.Value;
        return new(redis, IsCluster(redis) ? 0 : database, cacheSize, NewPrefix());
    }

    /// <summary>A cache on a connection of its own (one the test may break), sharing the prefix when given.</summary>
    public static RedisTestCache On(IConnectionMultiplexer redis, int cacheSize = 800, string? prefix = null) =>
        new(redis, 0, cacheSize, prefix ?? NewPrefix());

    /// <summary>Another process's cache over the same keys (keeping no influencer lists, reader states or post details in memory where the count is 0).</summary>
    public RedisTestCache Sibling(int keptInfluencerLists = 10_000, int keptReaderStates = 20_000, int keptPosts = 100_000) =>
        new(Redis, Database, Cache.Capacity, Prefix, keptInfluencerLists, keptReaderStates, keptPosts);

    public RedisKey PostKey(Guid postId) => Prefix + "post:" + postId.ToString("N");

    /// <summary>A list entry's member as the cache's layout has it: created_on (Unix ms, 8 bytes) then post_id (16 bytes), big-endian.</summary>
    public static RedisValue EntryMember(DateTimeOffset createdOn, Guid postId)
    {
        var millis = BitConverter.GetBytes(createdOn.ToUnixTimeMilliseconds());
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(millis);
        }

        return (RedisValue)millis.Concat(postId.ToByteArray(bigEndian: true)).ToArray();
    }

    public static Task<ConnectionMultiplexer> SharedRedisAsync() => SharedRedis.Value;

    public RedisKey TimelineKey(Guid userId) => Prefix + "timeline:{" + userId.ToString("N") + "}";

    public RedisKey InfluencerPostsKey(Guid influencerId) => Prefix + "influencer-posts:{" + influencerId.ToString("N") + "}";

    public RedisKey InfluencerPostsTokenKey(Guid influencerId) => Prefix + "influencer-posts-token:{" + influencerId.ToString("N") + "}";

    public RedisKey ReaderKey(Guid readerId) => Prefix + "reader:{" + readerId.ToString("N") + "}";

    public RedisKey VersionKey => Prefix + "timeline-cache:version";

    /// <summary>Drops every key of this cache, as FLUSHDB or eviction would (on every master of a cluster).</summary>
    public Task ForgetEverythingAsync() => TestServers.DeleteRedisKeysAsync(Redis, Prefix, Database);

    /// <summary>FLUSHDB of this cache's own database; on a cluster, which has one database, every key of this cache.</summary>
    public Task FlushDatabaseAsync() =>
        IsCluster(Redis) ? ForgetEverythingAsync() : Redis.GetServer(Redis.GetEndPoints()[0]).FlushDatabaseAsync(Database);

    public static bool IsCluster(IConnectionMultiplexer redis) => redis.GetServers().Any(server => server.ServerType == ServerType.Cluster);

    public void Dispose() => Cache.Dispose();

    private static string NewPrefix() => $"test:{Guid.NewGuid():N}:";
}
