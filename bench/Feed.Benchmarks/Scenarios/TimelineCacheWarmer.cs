using System.Diagnostics;
using Feed.SharedKernel.Paging;
using Feed.Timeline;
using Feed.Timeline.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// Puts many users' timelines into the Redis cache the way a read miss does, through the Timeline
/// module's own cache adapter (same key layout, fill markers and version): claim the missing lists,
/// read each one's newest rows from PostgreSQL (one query per thousand users), fill them. Reading a
/// hundred thousand timelines over HTTP would take minutes; this takes seconds and leaves exactly
/// the state those reads would.
/// </summary>
internal sealed class TimelineCacheWarmer : IDisposable
{
    private const int Chunk = 1000;

    private const string NewestRowsSql = """
        SELECT owner.id, row.created_on, row.post_id, row.author_id
        FROM unnest($1::uuid[]) AS owner(id)
        CROSS JOIN LATERAL (
            SELECT created_on, post_id, author_id FROM timeline
            WHERE user_id = owner.id
            ORDER BY created_on DESC, post_id DESC
            LIMIT $2) AS row
        """;

    private readonly BenchContext _context;
    private readonly RedisTimelineCache _cache;

    public TimelineCacheWarmer(BenchContext context, string keyPrefix, int cacheSize)
    {
        _context = context;
        _cache = new RedisTimelineCache(
            context.Redis,
            Options.Create(new TimelineOptions { CacheKeyPrefix = keyPrefix, CacheSize = cacheSize }),
            NullLogger<RedisTimelineCache>.Instance);
    }

    /// <summary>
    /// Marks every seeded influencer as an author the cached reader states already pull, as a service
    /// running since their first pulled post would have (the seeder writes their influencer_posts
    /// straight into PostgreSQL): otherwise each one's first post in a scenario would drop every
    /// follower's reader state, a one-off cost no steady state has.
    /// </summary>
    public async Task MarkInfluencersPulledAsync(CancellationToken cancellationToken)
    {
        var graph = _context.Graph;
        for (var user = 0; user < graph.UserCount; user++)
        {
            if (graph.IsInfluencer[user])
            {
                await _cache.MarkPulledAuthorAsync(graph.UserIds[user], cancellationToken);
            }
        }
    }

    public async Task<TimeSpan> WarmTimelinesAsync(Guid[] users, CancellationToken cancellationToken)
    {
        // The API renews the cache version on its first cache read after start-up (it cannot know
        // what it missed before): let that happen first, or it would disown the lists filled here.
        await _context.ReadTimelineAsync(_context.Graph.ReaderRange.Start.Value, 1, cancellationToken);

        var clock = Stopwatch.StartNew();
        foreach (var chunk in users.Chunk(Chunk))
        {
            var ranges = await _cache.ReadAsync(CachedList.Timeline, chunk, after: null, limit: 1, cancellationToken);
            if (ranges.Fill is not { Expected.Count: > 0 } fill)
            {
                continue;
            }

            var newest = await NewestRowsAsync([.. fill.Expected.Keys], _cache.Capacity + 1, cancellationToken);
            await _cache.FillAsync(CachedList.Timeline, fill, newest, cancellationToken);
        }

        return clock.Elapsed;
    }

    /// <summary>Every cached timeline among a sample of <paramref name="users"/> starts with <paramref name="postId"/>; returns how many were checked.</summary>
    public async Task<int> CheckNewestAsync(Guid[] users, Guid postId, CancellationToken cancellationToken)
    {
        var step = Math.Max(1, users.Length / Chunk);
        var sample = users.Where((_, index) => index % step == 0).ToArray();
        var ranges = await _cache.ReadAsync(CachedList.Timeline, sample, after: null, limit: 1, cancellationToken);
        foreach (var user in sample)
        {
            if (!ranges.Hits.TryGetValue(user, out var range) || range.Entries.Count == 0 || range.Entries[0].PostId != postId)
            {
                throw new InvalidOperationException($"The cached timeline of {user} does not start with post {postId}.");
            }
        }

        return sample.Length;
    }

    public void Dispose() => _cache.Dispose();

    private async Task<Dictionary<Guid, IReadOnlyList<TimelineEntry>>> NewestRowsAsync(Guid[] users, int limit, CancellationToken cancellationToken)
    {
        await using var select = _context.Database.CreateCommand(NewestRowsSql);
        select.Parameters.Add(new NpgsqlParameter { Value = users, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        select.Parameters.Add(new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer });
        var rows = new Dictionary<Guid, List<TimelineEntry>>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var owner = reader.GetGuid(0);
            if (!rows.TryGetValue(owner, out var list))
            {
                rows[owner] = list = [];
            }

            list.Add(new TimelineEntry(new SequenceKey(reader.GetFieldValue<DateTimeOffset>(1), reader.GetGuid(2)), reader.GetGuid(3)));
        }

        // Newest first, as the store answers.
        return rows.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<TimelineEntry>)[.. pair.Value.Order(Comparer<TimelineEntry>.Create((left, right) => left.Key.CompareTo(right.Key)))]);
    }
}
