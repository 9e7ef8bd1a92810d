using System.Diagnostics;
using Feed.Demo.Graph;
using Feed.Benchmarks.Reporting;
using Npgsql;
using NpgsqlTypes;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// Two influencers, one with 1,000 followers and one with 100,000, post in turn. An influencer's post
/// is pulled at read time, so delivering it writes one influencer_posts row whatever the audience:
/// the latency from sending the POST until the outbox is empty should not grow with the followers.
/// </summary>
internal static class InfluencerPostScenario
{
    public static async Task<InfluencerPostResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var graph = context.Graph;
        var small = new List<double>();
        var large = new List<double>();
        var smallPost = new List<double>();
        var largePost = new List<double>();
        var posts = new List<(int Author, CreatedPost Post)>();
        await context.Log.WriteLineAsync(
            $"influencer_post: {context.Settings.InfluencerPostRuns} posts each by influencers with {graph.FollowerCount(SocialGraph.SmallInfluencer):N0} and {graph.FollowerCount(SocialGraph.LargeInfluencer):N0} followers");
        // One unmeasured post each first: the first delivery of a kind pays for JIT and cold caches.
        foreach (var author in new[] { SocialGraph.SmallInfluencer, SocialGraph.LargeInfluencer })
        {
            await context.PostAsync(author, cancellationToken);
            await context.WaitForDeliveryAsync(null, TimeSpan.FromMinutes(2), cancellationToken);
        }

        for (var run = 0; run < context.Settings.InfluencerPostRuns; run++)
        {
            // Alternating order: neither size always goes first after a pause.
            int[] order = run % 2 == 0
                ? [SocialGraph.SmallInfluencer, SocialGraph.LargeInfluencer]
                : [SocialGraph.LargeInfluencer, SocialGraph.SmallInfluencer];
            foreach (var author in order)
            {
                await context.WaitForDeliveryAsync(null, TimeSpan.FromMinutes(2), cancellationToken);
                var post = await context.PostAsync(author, cancellationToken);
                var (_, deliveredAt) = await context.WaitForDeliveryAsync(null, TimeSpan.FromMinutes(2), cancellationToken);
                var ms = Stopwatch.GetElapsedTime(post.SentAt, deliveredAt).TotalMilliseconds;
                (author == SocialGraph.SmallInfluencer ? small : large).Add(ms);
                (author == SocialGraph.SmallInfluencer ? smallPost : largePost).Add(post.PostMs);
                posts.Add((author, post));
            }
        }

        await EnsurePulledAsync(context, posts, cancellationToken);
        var smallMs = Statistics.Median(small);
        var largeMs = Statistics.Median(large);
        await context.Log.WriteLineAsync($"  median delivered after {smallMs:F1} ms (1k followers) and {largeMs:F1} ms (100k followers)");
        return new InfluencerPostResult(
            smallMs,
            largeMs,
            largeMs / smallMs,
            graph.FollowerCount(SocialGraph.SmallInfluencer),
            graph.FollowerCount(SocialGraph.LargeInfluencer),
            small.Count,
            Statistics.Median(smallPost),
            Statistics.Median(largePost),
            small,
            large,
            "median over alternating posts; from sending POST /api/posts until the outbox is empty (the post is delivered: one influencer_posts row)");
    }

    /// <summary>Every post became an influencer_posts row and no timeline row: it really took the pull path.</summary>
    private static async Task EnsurePulledAsync(BenchContext context, List<(int Author, CreatedPost Post)> posts, CancellationToken cancellationToken)
    {
        await using var check = context.Database.CreateCommand(
            """
            SELECT (SELECT count(*) FROM influencer_posts WHERE influencer_id = ANY($1) AND post_id = ANY($2)),
                   (SELECT count(*) FROM timeline WHERE post_id = ANY($2))
            """);
        check.CommandTimeout = 600;
        check.Parameters.Add(new NpgsqlParameter
        {
            Value = posts.Select(post => context.Graph.UserIds[post.Author]).Distinct().ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid,
        });
        check.Parameters.Add(new NpgsqlParameter { Value = posts.Select(post => post.Post.PostId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        await using var reader = await check.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetInt64(0) != posts.Count || reader.GetInt64(1) != 0)
        {
            throw new InvalidOperationException(
                $"Influencer posts: {reader.GetInt64(0)} influencer_posts rows and {reader.GetInt64(1)} timeline rows for {posts.Count} posts; expected {posts.Count} and 0.");
        }
    }
}
