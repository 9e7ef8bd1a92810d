using System.Globalization;
using Feed.Demo.Graph;

namespace Feed.Benchmarks;

/// <summary>What one run measures and at which sizes: <c>--quick</c> (under 10 minutes on 2 cores) or the full run.</summary>
internal sealed record BenchmarkSettings
{
    public required bool Quick { get; init; }

    public required bool Micro { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>Feed.Api.dll (Release), run as a child process.</summary>
    public required string ApiAssembly { get; init; }

    /// <summary>PostgreSQL server (a database of its own is created on it) and Redis, from build/services.sh.</summary>
    public required string PostgresServer { get; init; }

    public required string RedisServer { get; init; }

    public required GraphSpec Graph { get; init; }

    /// <summary><c>Feed:Timeline:FanOutBatchSize</c> given to the API, and the batch size of the ZADD ceiling.</summary>
    public int FanOutBatchSize { get; init; } = 5000;

    /// <summary>Fan-out batches the service writes at a time (<c>Feed:Timeline:FanOutConcurrency</c>, its default): the store ceiling's too.</summary>
    public int FanOutConcurrency { get; init; } = 4;

    public required int FanOutRuns { get; init; }

    public required int InfluencerPostRuns { get; init; }

    public required int ReadConcurrency { get; init; }

    public int ReadPageSize { get; init; } = 20;

    public required int ReadRounds { get; init; }

    public required TimeSpan ReadWarmUp { get; init; }

    public required TimeSpan ReadDuration { get; init; }

    /// <summary>Readers whose first page read_mixed checks against PostgreSQL afterwards.</summary>
    public int MixedCheckReaders { get; init; } = 100;

    /// <summary>Only the read scenarios, printed and not written to results.json: for profiling the read path by hand.</summary>
    public bool ReadsOnly { get; init; }

    /// <summary>Only the fan-out scenario, printed and not written to results.json: for profiling the fan-out by hand.</summary>
    public bool FanOutOnly { get; init; }

    public string Mode => Quick ? "quick" : "full";

    public static BenchmarkSettings Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var output = Option(args, "--out") ?? Path.Combine(RepositoryRoot(), "artifacts", "bench");
        var api = Option(args, "--api") ?? Path.Combine(RepositoryRoot(), "src", "Feed.Api", "bin", "Release", "net10.0", "Feed.Api.dll");
        var graph = quick
            ? new GraphSpec()
            : new GraphSpec
            {
                Users = 1_200_000,
                Influencers = 50,
                InfluencerAudienceMax = 1_000_000,
                FanOutFollowers = 1_000_000,
                Readers = 5_000,
                Posters = 10_000,
            };
        // A smaller graph of the same shape, for trying the benchmark out (the reported runs use --quick or the full sizes).
        if (Option(args, "--users") is { } users)
        {
            graph = DemoGraph.ForUsers(int.Parse(users, CultureInfo.InvariantCulture));
        }

        if (Option(args, "--seed") is { } seed)
        {
            graph = graph with { Seed = int.Parse(seed, CultureInfo.InvariantCulture) };
        }

        return new BenchmarkSettings
        {
            Quick = quick,
            Micro = args.Contains("--micro"),
            ReadsOnly = args.Contains("--reads-only"),
            FanOutOnly = args.Contains("--fanout-only"),
            OutputDirectory = Path.GetFullPath(output),
            ApiAssembly = Path.GetFullPath(api),
            PostgresServer = Environment.GetEnvironmentVariable("FEED_TEST_POSTGRES")
                ?? throw new InvalidOperationException("FEED_TEST_POSTGRES is not set: run build/bench.sh, which starts PostgreSQL and Redis."),
            RedisServer = Environment.GetEnvironmentVariable("FEED_TEST_REDIS")
                ?? throw new InvalidOperationException("FEED_TEST_REDIS is not set: run build/bench.sh, which starts PostgreSQL and Redis."),
            Graph = graph,
            FanOutRuns = quick ? 5 : 7,
            InfluencerPostRuns = quick ? 25 : 50,
            ReadRounds = 3,
            ReadWarmUp = TimeSpan.FromSeconds(quick ? 2 : 3),
            ReadDuration = TimeSpan.FromSeconds(Option(args, "--read-seconds") is { } seconds ? int.Parse(seconds, CultureInfo.InvariantCulture) : quick ? 10 : 20),
            ReadConcurrency = Option(args, "--concurrency") is { } concurrency ? int.Parse(concurrency, CultureInfo.InvariantCulture) : 8,
        };
    }

    public static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    /// <summary>The repository root: the nearest folder above the program holding Feed.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Feed.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
