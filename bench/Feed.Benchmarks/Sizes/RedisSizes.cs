using System.Globalization;
using Feed.SharedKernel.Paging;
using Feed.Timeline;
using Feed.Timeline.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Benchmarks.Sizes;

/// <summary>
/// Bytes per cached timeline entry, post and reader state in Redis, written through the Timeline
/// module's own cache adapter (<see cref="RedisTimelineCache"/>: same keys, scripts, markers and
/// expiry) under a key prefix of its own. Memory is the growth of <c>used_memory</c> over the masters
/// (the allocator's real cost, replicas not counted) divided by what was added; <c>MEMORY USAGE</c>
/// of sample keys is shown beside it. The keys are deleted afterwards.
/// </summary>
internal static class RedisSizes
{
    private const int SampleKeys = 20;

    public static async Task MeasureAsync(string name, string connectionString, TextWriter log, CancellationToken cancellationToken)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TimelineCacheRegistration.ConnectionOptions(connectionString));
        var masters = redis.GetServers().Where(server => server.IsConnected && !server.IsReplica).ToList();
        var prefix = $"feed-sizes-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}:";
        await log.WriteLineAsync($"Redis {masters[0].Version} ({name}, {masters.Count} master(s)); prefix {prefix}");
        await log.WriteLineAsync("| what | count | bytes each (used_memory) | MEMORY USAGE per key | encoding |");
        await log.WriteLineAsync("|---|---|---|---|---|");
        try
        {
            // The service's default window, and one small enough for Redis's compact encoding (at most 128 members).
            await TimelinesAsync(redis, masters, prefix, capacity: 800, users: 1_000, log, cancellationToken);
            await TimelinesAsync(redis, masters, prefix, capacity: 100, users: 5_000, log, cancellationToken);
            // The compact encoding for the default window too (Redis's setting, not the service's): memory only, its CPU cost is not measured here.
            var listpackEntries = (await masters[0].ConfigGetAsync("zset-max-listpack-entries"))[0].Value;
            await SetEverywhereAsync(masters, "zset-max-listpack-entries", "1024");
            try
            {
                await TimelinesAsync(redis, masters, prefix + "listpack-", capacity: 800, users: 1_000, log, cancellationToken, " (zset-max-listpack-entries 1024)");
            }
            finally
            {
                await SetEverywhereAsync(masters, "zset-max-listpack-entries", listpackEntries);
            }

            await PostsAndReadersAsync(redis, masters, prefix, posts: 20_000, readers: 5_000, followees: 200, log, cancellationToken);
        }
        finally
        {
            foreach (var master in masters)
            {
                await foreach (var key in master.KeysAsync(pattern: prefix + "*", pageSize: 1000))
                {
                    await redis.GetDatabase().KeyDeleteAsync(key);
                }
            }
        }
    }

    /// <summary>Full timelines (<paramref name="capacity"/> entries, cut: older rows exist), filled as a read miss fills them.</summary>
    private static async Task TimelinesAsync(
        ConnectionMultiplexer redis, List<IServer> masters, string prefix, int capacity, int users, TextWriter log, CancellationToken cancellationToken, string note = "")
    {
        using var cache = Cache(redis, prefix + capacity.ToString(CultureInfo.InvariantCulture) + ":", capacity);
        var owners = Enumerable.Range(0, users).Select(_ => Guid.NewGuid()).ToList();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var before = await UsedMemoryAsync(masters);
        foreach (var chunk in owners.Chunk(100))
        {
            var ranges = await cache.ReadAsync(CachedList.Timeline, chunk, after: null, limit: 1, cancellationToken);
            var newest = chunk.ToDictionary(owner => owner, owner => (IReadOnlyList<TimelineEntry>)[.. Enumerable.Range(0, capacity + 1).Select(i =>
            {
                var at = start.AddSeconds(-i * 37);
                return new TimelineEntry(new SequenceKey(at, Guid.CreateVersion7(at)), owner);
            })]);
            await cache.FillAsync(CachedList.Timeline, ranges.Fill!, newest, cancellationToken);
        }

        var added = await UsedMemoryAsync(masters) - before;
        var keys = owners.Take(SampleKeys).Select(owner => (RedisKey)($"{prefix}{capacity}:timeline:{{" + owner.ToString("N") + "}")).ToList();
        var (usage, encoding) = await SampleAsync(redis, keys);
        await RowAsync(log, $"timeline entry, {capacity}-entry list{note}", users * capacity, (double)added / (users * capacity), usage, encoding);
    }

    private static async Task PostsAndReadersAsync(
        ConnectionMultiplexer redis, List<IServer> masters, string prefix, int posts, int readers, int followees, TextWriter log, CancellationToken cancellationToken)
    {
        using var cache = Cache(redis, prefix + "details:", 800);
        // A read first: it sets the cache version the details and states are filled under.
        var version = (await cache.ReadAsync(CachedList.Timeline, [Guid.NewGuid()], after: null, limit: 1, cancellationToken)).Fill!.Version;
        var author = Guid.NewGuid();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var details = Enumerable.Range(0, posts).Select(i =>
        {
            var postId = Guid.CreateVersion7(start.AddSeconds(i));
            return new TimelinePost(postId, author, $"https://images.example.com/{postId:N}.jpg", "image", start.AddSeconds(i));
        }).ToList();
        var before = await UsedMemoryAsync(masters);
        foreach (var chunk in details.Chunk(500))
        {
            await cache.FillPostsAsync(new CacheFill(version, new Dictionary<Guid, string>()), chunk, new Dictionary<Guid, string> { [author] = "user_00012345" }, cancellationToken);
        }

        var added = await UsedMemoryAsync(masters) - before;
        var (usage, encoding) = await SampleAsync(redis, [.. details.Take(SampleKeys).Select(post => (RedisKey)$"{prefix}details:post:{post.PostId:N}")]);
        await RowAsync(log, "post details (63-character URL, 13-character username)", posts, (double)added / posts, usage, encoding);

        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, readers).Select(_ => Guid.NewGuid()).ToList();
        before = await UsedMemoryAsync(masters);
        foreach (var reader in ids)
        {
            var found = await cache.ReadReaderAsync(reader, now, null, cancellationToken);
            var state = new ReaderState([.. Enumerable.Range(0, followees).Select(_ => Guid.NewGuid())], [.. Enumerable.Range(0, 10).Select(_ => Guid.NewGuid())], now.AddHours(1));
            await cache.FillReaderAsync(found.Fill!, reader, state, now, cancellationToken);
        }

        added = await UsedMemoryAsync(masters) - before;
        (usage, encoding) = await SampleAsync(redis, [.. ids.Take(SampleKeys).Select(reader => (RedisKey)($"{prefix}details:reader:{{" + reader.ToString("N") + "}"))]);
        await RowAsync(log, $"reader state ({followees} followees, 10 pulled)", readers, (double)added / readers, usage, encoding);
    }

    private static async Task SetEverywhereAsync(List<IServer> masters, string setting, string value)
    {
        foreach (var master in masters)
        {
            await master.ConfigSetAsync(setting, value);
        }
    }

    private static RedisTimelineCache Cache(ConnectionMultiplexer redis, string prefix, int capacity) =>
        new(redis, Options.Create(new TimelineOptions { CacheKeyPrefix = prefix, CacheSize = capacity, KeptInfluencerLists = 0, KeptReaderStates = 0 }), NullLogger<RedisTimelineCache>.Instance);

    private static async Task<long> UsedMemoryAsync(List<IServer> masters)
    {
        long total = 0;
        foreach (var master in masters)
        {
            var memory = (await master.InfoAsync("memory")).SelectMany(group => group).First(pair => pair.Key == "used_memory");
            total += long.Parse(memory.Value, CultureInfo.InvariantCulture);
        }

        return total;
    }

    /// <summary>The mean exact <c>MEMORY USAGE</c> (all elements counted) of sample keys, and their encoding.</summary>
    private static async Task<(double Usage, string Encoding)> SampleAsync(ConnectionMultiplexer redis, List<RedisKey> keys)
    {
        var database = redis.GetDatabase();
        long total = 0;
        foreach (var key in keys)
        {
            total += (long)await database.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", 0);
        }

        var encoding = (string?)await database.ExecuteAsync("OBJECT", "ENCODING", keys[0]) ?? "?";
        return ((double)total / keys.Count, encoding);
    }

    private static Task RowAsync(TextWriter log, string what, long count, double bytesEach, double usagePerKey, string encoding) =>
        log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| {what} | {count:N0} | {bytesEach:F1} | {usagePerKey:N0} | {encoding} |"));
}
