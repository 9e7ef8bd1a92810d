using Feed.Benchmarks.Reporting;
using Npgsql;
using NpgsqlTypes;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// Rows written by one day of posting on the seeded graph, counted against the stored follower
/// counts: every account posts a seeded Poisson number of posts (mean 0.3 a day, 3 for accounts at
/// or above the influencer threshold). Every post writes its posts row and its timeline_posts
/// (read-model) row; then either every author is pushed (one timeline row per follower), or, with the
/// influencer split, authors at the threshold write one influencer_posts row instead. The per-post
/// count is the one the fan-out scenario verifies (one row per follower).
/// </summary>
internal static class PushVsHybridScenario
{
    public static async Task<PushVsHybridResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var graph = context.Graph;
        var spec = graph.Spec;
        var random = new Random(spec.Seed ^ 0x5EED);
        var authors = new List<Guid>();
        var counts = new List<int>();
        for (var user = 0; user < graph.UserCount; user++)
        {
            var mean = graph.FollowerCount(user) >= spec.InfluencerThreshold ? spec.InfluencerPostsPerDay : spec.OrdinaryPostsPerDay;
            var planned = Poisson(random, mean);
            if (planned > 0)
            {
                authors.Add(graph.UserIds[user]);
                counts.Add(planned);
            }
        }

        await using var count = context.Database.CreateCommand(
            """
            WITH plan AS (SELECT * FROM unnest($1::uuid[], $2::int[]) AS p(user_id, posts)),
                 day AS (SELECT p.posts::bigint AS posts, coalesce(c.follower_count, 0) AS followers
                         FROM plan p LEFT JOIN follower_counts c USING (user_id))
            SELECT coalesce(sum(posts), 0)::bigint,
                   coalesce(sum(posts) FILTER (WHERE followers >= $3), 0)::bigint,
                   coalesce(sum(posts * followers), 0)::bigint,
                   coalesce(sum(posts * followers) FILTER (WHERE followers < $3), 0)::bigint,
                   count(*) FILTER (WHERE followers >= $3)
            FROM day
            """);
        count.Parameters.Add(new NpgsqlParameter { Value = authors.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        count.Parameters.Add(new NpgsqlParameter { Value = counts.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        count.Parameters.Add(new NpgsqlParameter { Value = (long)spec.InfluencerThreshold, NpgsqlDbType = NpgsqlDbType.Bigint });
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var posts = reader.GetInt64(0);
        var influencerPosts = reader.GetInt64(1);
        var pushTimeline = reader.GetInt64(2);
        var hybridTimeline = reader.GetInt64(3);
        var influencers = (int)reader.GetInt64(4);

        var pushRows = (2 * posts) + pushTimeline;
        var hybridRows = (2 * posts) + hybridTimeline + influencerPosts;
        await context.Log.WriteLineAsync(
            $"push_vs_hybrid: {posts:N0} posts in a day, {influencers} posting influencers: {pushRows:N0} rows all pushed, {hybridRows:N0} with the split");
        return new PushVsHybridResult(
            posts,
            influencerPosts,
            pushRows,
            hybridRows,
            (double)pushRows / hybridRows,
            pushTimeline,
            hybridTimeline,
            influencerPosts,
            influencers,
            spec.InfluencerThreshold,
            $"one seeded day (Poisson posts, mean {spec.OrdinaryPostsPerDay}/day, {spec.InfluencerPostsPerDay}/day at >= {spec.InfluencerThreshold} followers) against the stored follower_counts; rows = posts + timeline_posts + timeline (+ influencer_posts); ratio = push / hybrid");
    }

    /// <summary>Knuth's method: fine for the small means used here.</summary>
    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var product = random.NextDouble();
        var count = 0;
        while (product > limit)
        {
            count++;
            product *= random.NextDouble();
        }

        return count;
    }
}
