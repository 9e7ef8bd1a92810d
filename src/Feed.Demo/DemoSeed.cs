using System.Globalization;
using Feed.Demo.Graph;
using Microsoft.Extensions.Configuration;

namespace Feed.Demo;

/// <summary>
/// <c>dotnet run --project src/Feed.Api -- seed [--users N] [--seed S] [--image-base http://localhost:5080]</c>: fills the configured store
/// with a generated graph (<see cref="DemoGraph"/>), showing its progress, and prints a demo login.
/// The store must be PostgreSQL: the in-memory store lives inside one API process, so a separate
/// process cannot fill it (<c>Feed:Demo:Users</c> is the setting for that case).
/// </summary>
public static class DemoSeed
{
    public const string Command = "seed";

    public static bool IsSeedCommand(string[] args) => args.Length > 0 && args[0] == Command;

    /// <summary>Runs once the API's schema is in place (<paramref name="schemaReady"/>); returns the exit code.</summary>
    public static async Task<int> RunAsync(IConfiguration configuration, string[] args, Func<CancellationToken, Task> schemaReady, TextWriter output, CancellationToken cancellationToken)
    {
        if (!string.Equals(configuration["Feed:Storage:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase)
            || configuration.GetConnectionString("Postgres") is not { Length: > 0 } connectionString)
        {
            await output.WriteLineAsync("seed fills PostgreSQL (Feed__Storage__Provider=Postgres and ConnectionStrings__Postgres). " +
                                        "The in-memory store lives in the API process: start the API with Feed__Demo__Users=N instead.");
            return 2;
        }

        var users = int.Parse(Option(args, "--users") ?? "10000", CultureInfo.InvariantCulture);
        var seed = int.Parse(Option(args, "--seed") ?? "20240501", CultureInfo.InvariantCulture);
        if (users < DemoGraph.MinUsers)
        {
            await output.WriteLineAsync($"--users must be at least {DemoGraph.MinUsers}.");
            return 2;
        }

        await schemaReady(cancellationToken);
        var graph = SocialGraph.Generate(DemoGraph.ForUsers(users) with { Seed = seed }, DateTimeOffset.UtcNow);
        await output.WriteLineAsync($"seeding {graph.UserCount:N0} users, {graph.Follows.Length:N0} follows, {graph.Posts.Length:N0} posts");
        using var progress = new ProgressBar(output, steps: 5);
        var imageBase = Option(args, "--image-base") ?? DefaultImageBaseUrl;
        var elapsed = await GraphSeeder.SeedAsync(graph, connectionString, progress, cancellationToken, post => PostUrl(post, imageBase));
        progress.Done();
        await output.WriteLineAsync($"done in {elapsed.TotalSeconds:F0} s.");
        await output.WriteLineAsync(DemoLogin(graph));
        return 0;
    }

    /// <summary>The account to show: a reader who follows posters and influencers.</summary>
    public static string DemoLogin(SocialGraph graph) =>
        $"Demo login: username {SocialGraph.Username(graph.ReaderRange.Start.Value)}, password {GraphSeeder.DemoPassword}";

    /// <summary>Where the API that shows the demo is browsed: post URLs are absolute, and the page loads images of its own origin only.</summary>
    public const string DefaultImageBaseUrl = "http://localhost:5080";

    /// <summary>A picture the API serves at <paramref name="baseUrl"/>, one of a thousand per post.</summary>
    public static string PostUrl(SeedPost post, string baseUrl) =>
        baseUrl.TrimEnd('/') + DemoImages.PathFor((int)(post.PostId.GetHashCode() & 0x7FFF_FFFF) % 1000);

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
