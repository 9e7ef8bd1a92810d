using System.Globalization;

namespace Feed.Benchmarks.Graph;

/// <summary>
/// <c>seed --postgres "&lt;connection string&gt;" [--users N] [--seed S]</c>: fills a database whose schema the
/// API has created (start it once against the database) with a generated graph, for a demo. Every
/// account's password is <see cref="GraphSeeder.DemoPassword"/>.
/// </summary>
internal static class DemoSeed
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var connectionString = BenchmarkSettings.Option(args, "--postgres")
            ?? throw new ArgumentException("seed needs --postgres \"<connection string>\" of a database the API has created its schema in.");
        var users = int.Parse(BenchmarkSettings.Option(args, "--users") ?? "10000", CultureInfo.InvariantCulture);
        var seed = int.Parse(BenchmarkSettings.Option(args, "--seed") ?? "20240501", CultureInfo.InvariantCulture);
        var spec = ForUsers(users) with { Seed = seed };
        var graph = SocialGraph.Generate(spec, DateTimeOffset.UtcNow);
        Console.WriteLine($"seeding {graph.UserCount:N0} users, {graph.Follows.Length:N0} follows, {graph.Posts.Length:N0} posts");
        var elapsed = await GraphSeeder.SeedAsync(graph, connectionString, Console.Out, cancellationToken);
        Console.WriteLine($"done in {elapsed.TotalSeconds:F0} s. Sign in as {SocialGraph.Username(graph.ReaderRange.Start.Value)} (a reader) " +
                          $"or {SocialGraph.Username(SocialGraph.FanOutAuthor)} (followed by {graph.FollowerCount(SocialGraph.FanOutAuthor):N0}), password {GraphSeeder.DemoPassword}");
        return 0;
    }

    /// <summary>The benchmark's graph scaled down to <paramref name="users"/> accounts.</summary>
    public static GraphSpec ForUsers(int users)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1000);
        var posters = users / 20;
        return new GraphSpec
        {
            Users = users,
            Influencers = 10,
            InfluencerAudienceMin = users / 20,
            InfluencerAudienceMax = users / 2,
            FanOutFollowers = users / 2,
            SmallInfluencerFollowers = Math.Min(1000, users / 10),
            LargeInfluencerFollowers = users / 2,
            Readers = users / 100,
            Posters = posters,
            ReaderOrdinaryFollows = Math.Min(200, posters),
            ReaderInfluencerFollows = 10,
        };
    }
}
