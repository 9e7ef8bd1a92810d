using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Feed.Demo.Graph;
using Feed.Benchmarks.Hosting;
using Feed.Benchmarks.Reporting;
using Feed.Benchmarks.Scenarios;
using Feed.SharedKernel.Auth;
using Npgsql;
using StackExchange.Redis;

namespace Feed.Benchmarks;

/// <summary>
/// One benchmark run: a fresh database, the API as a child process on PostgreSQL + Redis, the seeded
/// graph, the scenarios, then results.json, results.md and results.png in the output folder. A wrong
/// timeline page found by read_mixed fails the run (exit code 1) after the results are written.
/// </summary>
internal static class BenchmarkRun
{
    /// <summary>Newest entries kept per cached timeline (the service's default).</summary>
    private const int CacheSize = 800;

    private static async Task<int> RunReadsOnlyAsync(BenchContext context, TextWriter log, CancellationToken cancellationToken)
    {
        await using var reads = await ReadRounds.StartAsync(context, cancellationToken);
        var (read, _) = await ReadScenario.RunAsync(context, reads, cancellationToken);
        var mixed = await ReadMixedScenario.RunAsync(context, reads, cancellationToken);
        await log.WriteLineAsync(JsonSerializer.Serialize(new { read, read_mixed = mixed }, BenchmarkResults.Json));
        return mixed.PagesWrong > 0 ? 1 : 0;
    }

    public static async Task<int> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var startedOn = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var loadAtStart = LoadAverage();
        Directory.CreateDirectory(settings.OutputDirectory);
        var log = Console.Out;
        await log.WriteLineAsync($"Feed benchmark ({settings.Mode}), load average {loadAtStart}");

        if (!File.Exists(settings.ApiAssembly))
        {
            throw new FileNotFoundException($"Build the API first (dotnet build src/Feed.Api -c Release): {settings.ApiAssembly} is missing.");
        }

        var connectionString = await CreateDatabaseAsync(settings.PostgresServer, $"feed_bench_{settings.Mode}", cancellationToken);
        var auth = new FeedAuthOptions { SigningKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) };
        var apiSettings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Feed__Storage__Provider"] = "Postgres",
            ["Feed__Timeline__Cache"] = "Redis",
            // A key space of its own per run: a Redis kept from an earlier run must not mix in its lists.
            ["Feed__Timeline__CacheKeyPrefix"] = $"feed-bench-{startedOn.ToUnixTimeSeconds()}:",
            ["Feed__Timeline__CacheSize"] = CacheSize.ToString(CultureInfo.InvariantCulture),
            ["Feed__Timeline__FanOutBatchSize"] = settings.FanOutBatchSize.ToString(CultureInfo.InvariantCulture),
            ["Feed__Users__InfluencerFollowerThreshold"] = settings.Graph.InfluencerThreshold.ToString(CultureInfo.InvariantCulture),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning",
            // Thousands of users registered and logged in from one address.
            ["Feed__RateLimits__Enabled"] = "false",
            ["DOTNET_gcServer"] = "1",
        };
        foreach (var setting in BenchmarkSettings.Option(Environment.GetCommandLineArgs(), "--host-env")?.Split(',') ?? [])
        {
            var (key, value) = (setting.Split('=', 2)[0], setting.Split('=', 2)[1]);
            apiSettings[key] = value;
        }

        // Both hosts (API and baseline) get exactly this environment.
        var environment = new Dictionary<string, string>(apiSettings)
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["ConnectionStrings__Redis"] = settings.RedisServer,
            ["Feed__Auth__SigningKey"] = auth.SigningKey,
            ["Feed__Cursors__SigningKey"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
        };

        await log.WriteLineAsync($"generating the graph: {settings.Graph.Users:N0} users, seed {settings.Graph.Seed}");
        var graph = SocialGraph.Generate(settings.Graph, startedOn);
        await log.WriteLineAsync($"  {graph.Follows.Length:N0} follows, {graph.Posts.Length:N0} posts, {graph.TimelineRowCount():N0} timeline rows to seed");

        await using var api = await HostProcess.StartAsync(
            "api", settings.ApiAssembly, [], environment, "/health", Path.Combine(settings.OutputDirectory, "logs"), cancellationToken);
        await log.WriteLineAsync($"API (pid {api.ProcessId}) on {api.Address}; seeding PostgreSQL");
        var seeded = await GraphSeeder.SeedAsync(graph, connectionString, log, cancellationToken);
        await log.WriteLineAsync($"  seeded in {seeded.TotalSeconds:F0} s");

        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(settings.RedisServer);
        using var context = new BenchContext(settings, graph, api, database, redis, new AccessTokens(auth), environment, log);
        using var warmer = new TimelineCacheWarmer(context, environment["Feed__Timeline__CacheKeyPrefix"], CacheSize);
        await warmer.MarkInfluencersPulledAsync(cancellationToken);

        if (settings.ReadsOnly)
        {
            return await RunReadsOnlyAsync(context, log, cancellationToken);
        }

        if (settings.FanOutOnly)
        {
            var fanoutAlone = await FanOutScenario.RunAsync(context, warmer, cancellationToken);
            await log.WriteLineAsync(JsonSerializer.Serialize(new { fanout = fanoutAlone }, BenchmarkResults.Json));
            return 0;
        }

        var influencerPost = await InfluencerPostScenario.RunAsync(context, cancellationToken);
        var fanout = await FanOutScenario.RunAsync(context, warmer, cancellationToken);
        // A count on the seeded graph, before read_mixed's follows and unfollows change it.
        var pushVsHybrid = await PushVsHybridScenario.RunAsync(context, cancellationToken);
        ReadResult read;
        ReadRoundRuns readRuns;
        ReadMixedResult readMixed;
        await using (var reads = await ReadRounds.StartAsync(context, cancellationToken))
        {
            (read, readRuns) = await ReadScenario.RunAsync(context, reads, cancellationToken);
            readMixed = await ReadMixedScenario.RunAsync(context, reads, cancellationToken);
        }

        // Every read is a full read since first pages are no longer kept for reuse (docs/performance.md):
        // read_full is the read scenario itself, reported under its own key as the issue asks.
        var readFull = read;

        var machine = new MachineInfo(
            settings.Mode,
            Environment.ProcessorCount,
            CpuModel(),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            await PostgresVersionAsync(database, cancellationToken),
            redis.GetServers().Any(server => server.ServerType == ServerType.Cluster) ? "cluster" : "single",
            redis.GetServers().FirstOrDefault()?.Version.ToString() ?? "unknown",
            loadAtStart,
            LoadAverage(),
            startedOn,
            clock.Elapsed.TotalSeconds,
            settings.Graph.Seed,
            graph.UserCount,
            graph.Follows.Length,
            graph.TimelineRowCount(),
            seeded.TotalSeconds,
            apiSettings,
            await PostgresSettingsAsync(database, cancellationToken));
        var results = new BenchmarkResults(
            fanout, influencerPost, read, readFull, readMixed, pushVsHybrid, machine, Targets(fanout, influencerPost, read, readFull, readMixed));

        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "results.json"), JsonSerializer.Serialize(results, BenchmarkResults.Json), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(settings.OutputDirectory, "results.md"), ResultsTable.Markdown(results), cancellationToken);
        ResultsChart.Save(results, readRuns.Api.Latency, readRuns.Baseline.Latency, Path.Combine(settings.OutputDirectory, "results.png"));

        await log.WriteLineAsync();
        await log.WriteLineAsync(ResultsTable.Render(results));
        await log.WriteLineAsync($"results in {settings.OutputDirectory} (results.json, results.md, results.png); {clock.Elapsed.TotalMinutes:F1} min");
        if (readMixed.PagesWrong > 0)
        {
            await Console.Error.WriteLineAsync(
                $"FAILED: read_mixed found {readMixed.PagesWrong} of {readMixed.PagesChecked} checked first pages wrong; the first: {readMixed.FirstWrongPage}");
            return 1;
        }

        return 0;
    }

    private static List<TargetCheck> Targets(FanOutResult fanout, InfluencerPostResult influencer, ReadResult read, ReadResult readFull, ReadMixedResult readMixed)
    {
        var fullPostgres = readFull.CpuMsPerRequest?.GetValueOrDefault("postgres", double.NaN) ?? double.NaN;
        return
        [
            new("fanout.ratio", ">= 0.5", fanout.Ratio, fanout.Ratio >= 0.5),
            new("fanout.visible_ms", "< 1000", fanout.VisibleMs, fanout.VisibleMs < 1000),
            new("fanout.store_ratio", ">= 0.8", fanout.StoreRatio, fanout.StoreRatio >= 0.8),
            new("influencer_post.ratio", "<= 2", influencer.Ratio, influencer.Ratio <= 2),
            new("read.ratio", ">= 0.5", read.Ratio, read.Ratio >= 0.5),
            new("read.p99_ms", "< 10", read.P99Ms, read.P99Ms < 10),
            new("read_full.ratio", ">= 0.5", readFull.Ratio, readFull.Ratio >= 0.5),
            new("read_full.p99_ms", "< 10", readFull.P99Ms, readFull.P99Ms < 10),
            // NaN (no /proc) is not met: the target cannot be shown.
            new("read_full.cpu_ms_per_request.postgres", "<= 0.005", fullPostgres, fullPostgres <= 0.005),
            new("read_mixed.ratio", ">= 0.5", readMixed.Ratio, readMixed.Ratio >= 0.5),
            new("read_mixed.p99_ms", "< 10", readMixed.P99Ms, readMixed.P99Ms < 10),
            new("read_mixed.errors", "== 0", readMixed.Errors, readMixed.Errors == 0),
            new("read_mixed.pages_wrong", "== 0", readMixed.PagesWrong, readMixed.PagesWrong == 0),
        ];
    }

    /// <summary>A fresh, empty database for this run (the previous run's, if any, is dropped).</summary>
    internal static async Task<string> CreateDatabaseAsync(string server, string name, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(cancellationToken);
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task<string> PostgresVersionAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var version = database.CreateCommand("SHOW server_version");
        return (string)(await version.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The server settings the numbers depend on (build/services.sh and build/bench.sh set them).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> PostgresSettingsAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT name, current_setting(name) FROM unnest(ARRAY['shared_buffers', 'fsync', 'synchronous_commit', 'full_page_writes', 'autovacuum', 'max_connections']) AS name");
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            settings[reader.GetString(0)] = reader.GetString(1);
        }

        return settings;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
}
