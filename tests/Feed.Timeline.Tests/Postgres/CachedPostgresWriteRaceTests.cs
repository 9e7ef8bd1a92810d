using Feed.Testing;
using Feed.Timeline.Tests.Lifecycle;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Postgres;

/// <summary>The write races on the PostgreSQL adapters behind the Redis cache (each test under readers and authors of its own, and a key prefix of its own).</summary>
public sealed class CachedPostgresWriteRaceTests(PostgresDatabase<TimelineOnPostgres> database) : WriteRaces, IClassFixture<PostgresDatabase<TimelineOnPostgres>>, IDisposable
{
    private readonly List<RedisTestCache> _caches = [];

    private protected override TimelineStores CreateStores() => database.Module.Stores;

    private protected override ITimelineCache? CreateCache()
    {
        var redis = RedisTestCache.CreateAsync(cacheSize: 5).GetAwaiter().GetResult();
        _caches.Add(redis);
        return redis.Cache;
    }

    public void Dispose()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }
    }
}
