using System.Diagnostics;
using Feed.Demo.Graph;
using Feed.Benchmarks.Load;
using Feed.Benchmarks.Reporting;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// An ordinary author with F followers posts; the post travels through the outbox to the Timeline
/// module, which walks the followers in batches and writes one PostgreSQL row and one Redis entry
/// per follower (every follower's timeline is cached beforehand, so every entry is really written
/// to both). Measured from outside the API:
/// <list type="bullet">
/// <item><c>visible_ms</c>: from sending the POST until the outbox is empty, i.e. the fan-out
/// handler has returned after its last batch: the post is in every follower's timeline;</item>
/// <item><c>entries_per_s</c>: the fan-out's pace, F divided by the time from the POST's response
/// (the post and its PostCreated committed) to the end, so the outbox's wake-up and the first
/// follower read count against it.</item>
/// </list>
/// The ceilings, run alternately with the fan-outs: the same number of ZADDs to as many sorted sets,
/// pipelined through StackExchange.Redis in batches of the fan-out batch size, one batch at a time;
/// and the store ceiling (<see cref="StoreCeiling"/>), the same rows into a scratch copy of the
/// timeline table plus the same ZADDs, batch for batch, as many batches in flight as the service.
/// </summary>
internal static class FanOutScenario
{
    private const string CeilingKeyPrefix = "bench:zadd-ceiling:";

    public static async Task<FanOutResult> RunAsync(BenchContext context, TimelineCacheWarmer warmer, CancellationToken cancellationToken)
    {
        var graph = context.Graph;
        var author = SocialGraph.FanOutAuthor;
        var follows = graph.FollowsOf(author).ToArray();
        var followers = follows.Select(follow => graph.UserIds[SocialGraph.Follower(follow)]).ToArray();
        var batchSize = context.Settings.FanOutBatchSize;

        // Fan-out walks the followers partition newest first: its first batch starts with the newest follow.
        var newest = 0;
        for (var i = 1; i < follows.Length; i++)
        {
            var byTime = graph.FollowedOnMs[graph.FollowerStart[author] + i].CompareTo(graph.FollowedOnMs[graph.FollowerStart[author] + newest]);
            if (byTime > 0 || (byTime == 0 && followers[i].CompareTo(followers[newest]) > 0))
            {
                newest = i;
            }
        }

        var firstFollower = followers[newest];
        await context.Log.WriteLineAsync($"fanout: caching the timelines of {followers.Length:N0} followers");
        var warmed = await warmer.WarmTimelinesAsync(followers, cancellationToken);
        await context.Log.WriteLineAsync($"  cached {followers.Length:N0} timelines in {warmed.TotalSeconds:F1} s");

        var keys = followers.Select(follower => (RedisKey)(CeilingKeyPrefix + follower.ToString("N"))).ToArray();
        await ZaddPassAsync(context.Redis, keys, batchSize); // creates the sets: the measured passes add to existing ones
        var authorId = graph.UserIds[author];
        var inFlight = context.Settings.FanOutConcurrency;
        await using var store = await StoreCeiling.CreateAsync(context.Database, context.Redis, cancellationToken);
        await store.PassAsync(followers, keys, authorId, batchSize, inFlight, cancellationToken); // unmeasured, like the first ZADD pass

        // One unmeasured fan-out too, like the ceiling's first pass: the first one pays for JIT and cold buffers.
        var warmUp = await context.PostAsync(author, cancellationToken);
        await context.WaitForDeliveryAsync((firstFollower, warmUp), TimeSpan.FromMinutes(10), cancellationToken);

        var visible = new List<double>();
        var rates = new List<double>();
        var ceilings = new List<double>();
        var storeCeilings = new List<double>();
        var postMs = new List<double>();
        var firstBatchMs = new List<double>();
        var posts = new List<CreatedPost>();
        var cpuPer1000 = new List<IReadOnlyDictionary<string, double>>();
        var otherCores = new List<double>();
        for (var run = 0; run < context.Settings.FanOutRuns; run++)
        {
            var ceiling = await ZaddPassAsync(context.Redis, keys, batchSize);
            ceilings.Add(ceiling);
            var storeCeiling = await store.PassAsync(followers, keys, authorId, batchSize, inFlight, cancellationToken);
            storeCeilings.Add(storeCeiling);

            await context.WaitForDeliveryAsync(null, TimeSpan.FromMinutes(5), cancellationToken);
            var cpuBefore = context.Cpu?.Snapshot();
            var post = await context.PostAsync(author, cancellationToken);
            var (firstRowAt, deliveredAt) = await context.WaitForDeliveryAsync((firstFollower, post), TimeSpan.FromMinutes(10), cancellationToken);
            posts.Add(post);
            if (cpuBefore is not null)
            {
                var cpu = CpuMeter.Between(cpuBefore, context.Cpu!.Snapshot());
                cpuPer1000.Add(cpu.MillisecondsPer(followers.Length / 1000.0));
                otherCores.Add(cpu.OthersCores);
            }

            var visibleMs = Stopwatch.GetElapsedTime(post.SentAt, deliveredAt).TotalMilliseconds;
            // From the moment the post is committed (the POST returned) until every follower has it:
            // the outbox wake-up and the first follower read count, so batches written side by side
            // before the first one commits cannot inflate the pace.
            var paced = followers.Length / ((visibleMs - post.PostMs) / 1000);
            visible.Add(visibleMs);
            rates.Add(paced);
            postMs.Add(post.PostMs);
            firstBatchMs.Add(Stopwatch.GetElapsedTime(post.SentAt, firstRowAt!.Value).TotalMilliseconds);
            await context.Log.WriteLineAsync(
                $"  run {run + 1}: visible {visibleMs:F0} ms (POST {post.PostMs:F0} ms, first batch at {firstBatchMs[^1]:F0} ms), " +
                $"{paced:N0} entries/s; ZADD ceiling {ceiling:N0}/s, store ceiling {storeCeiling:N0}/s");
        }

        var rows = await CountTimelineRowsAsync(context.Database, posts, cancellationToken);
        foreach (var post in posts)
        {
            if (rows.GetValueOrDefault(post.PostId) != followers.Length)
            {
                throw new InvalidOperationException($"Post {post.PostId} reached {rows.GetValueOrDefault(post.PostId)} timeline rows, not {followers.Length}.");
            }
        }

        var cachedChecked = await warmer.CheckNewestAsync(followers, posts[^1].PostId, cancellationToken);
        await DeleteKeysAsync(context.Redis, keys);

        var entriesPerS = Statistics.Median(rates);
        var ceilingPerS = Statistics.Median(ceilings);
        var storeCeilingPerS = Statistics.Median(storeCeilings);
        return new FanOutResult(
            followers.Length,
            entriesPerS,
            ceilingPerS,
            entriesPerS / ceilingPerS,
            Statistics.Median(visible),
            storeCeilingPerS,
            entriesPerS / storeCeilingPerS,
            batchSize,
            posts.Count,
            Statistics.Median(postMs),
            Statistics.Median(firstBatchMs),
            visible,
            rates,
            ceilings,
            storeCeilings,
            rows.Values.Sum(),
            cachedChecked,
            Statistics.MedianByPart(cpuPer1000),
            otherCores.Count == 0 ? null : Math.Round(Statistics.Median(otherCores), 2),
            $"median of {posts.Count} posts after one unmeasured; each entry = 1 PostgreSQL timeline row + 1 Redis sorted-set entry; pace = F / (visible - POST); ceiling = pipelined ZADD, batches of {batchSize}; " +
            $"store ceiling = per batch one INSERT ... SELECT FROM unnest into a LIKE timeline INCLUDING ALL table holding a copy of timeline's rows, then the batch's ZADDs pipelined, {inFlight} batches in flight; both alternating with the posts");
    }

    /// <summary>One ZADD per key, pipelined in batches of <paramref name="batchSize"/>, one batch at a time: ZADDs per second.</summary>
    private static async Task<double> ZaddPassAsync(IConnectionMultiplexer redis, RedisKey[] keys, int batchSize)
    {
        var database = redis.GetDatabase();
        RedisValue member = Guid.NewGuid().ToString("N");
        double score = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var adds = new Task[batchSize];
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < keys.Length; offset += batchSize)
        {
            var count = Math.Min(batchSize, keys.Length - offset);
            var batch = database.CreateBatch();
            for (var i = 0; i < count; i++)
            {
                adds[i] = batch.SortedSetAddAsync(keys[offset + i], member, score);
            }

            batch.Execute();
            await Task.WhenAll(adds.AsSpan(0, count).ToArray());
        }

        return keys.Length / clock.Elapsed.TotalSeconds;
    }

    private static async Task DeleteKeysAsync(IConnectionMultiplexer redis, RedisKey[] keys)
    {
        var database = redis.GetDatabase();
        // A multi-key DEL must stay in one hash slot on a cluster: group by slot there.
        var groups = redis.GetServers().Any(server => server.ServerType == ServerType.Cluster)
            ? keys.GroupBy(key => redis.HashSlot(key)).SelectMany(slot => slot.Chunk(1000))
            : keys.Chunk(1000);
        foreach (var chunk in groups)
        {
            await database.KeyDeleteAsync(chunk);
        }
    }

    private static async Task<Dictionary<Guid, long>> CountTimelineRowsAsync(NpgsqlDataSource database, List<CreatedPost> posts, CancellationToken cancellationToken)
    {
        await using var count = database.CreateCommand("SELECT post_id, count(*) FROM timeline WHERE post_id = ANY($1) GROUP BY post_id");
        count.CommandTimeout = 600;
        count.Parameters.Add(new NpgsqlParameter { Value = posts.Select(post => post.PostId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        var rows = new Dictionary<Guid, long>();
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        return rows;
    }
}
