using System.Net.Http.Headers;
using Feed.Benchmarks.Hosting;
using Feed.Benchmarks.Load;
using Feed.Benchmarks.Reporting;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// GET /api/timeline?limit=20 over loopback HTTP for readers who follow 200 posting accounts and 20
/// influencers, with every reader's timeline and every influencer's posts already cached (each reader
/// read once before). The ceiling is a host configured like the API serving a fixed 20-item page
/// (<see cref="BaselineHost"/>), loaded the same way with the same tokens. Rounds alternate between
/// the two so that both see the same noise; throughput is the median round, latency percentiles
/// come from every measured request of the API.
/// </summary>
internal static class ReadScenario
{
    public static async Task<(ReadResult Result, LoadRun Api, LoadRun Baseline)> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var graph = context.Graph;
        var readers = Enumerable.Range(graph.ReaderRange.Start.Value, graph.Spec.Readers).ToArray();
        var identities = readers.Select(context.Bearer).ToArray();

        await context.Log.WriteLineAsync($"read: warming the cache with one page for each of {readers.Length:N0} readers");
        await WarmAsync(context, readers, cancellationToken);

        await using var baseline = await HostProcess.StartAsync(
            "baseline",
            typeof(BaselineHost).Assembly.Location,
            ["serve-baseline"],
            context.HostEnvironment,
            "/health",
            Path.Combine(settings.OutputDirectory, "logs"),
            cancellationToken);
        context.Cpu?.Add("baseline", baseline.ProcessId);
        using var apiClient = ClosedLoopLoad.CreateClient(context.Api.Address, settings.ReadConcurrency);
        using var baselineClient = ClosedLoopLoad.CreateClient(baseline.Address, settings.ReadConcurrency);
        var apiPath = new Uri($"/api/timeline?limit={settings.ReadPageSize}", UriKind.Relative);
        var baselinePath = new Uri(BaselineHost.Path, UriKind.Relative);

        var apiRuns = new List<LoadRun>();
        var baselineRuns = new List<LoadRun>();
        for (var round = 0; round < settings.ReadRounds; round++)
        {
            var baselineFirst = round % 2 == 0;
            for (var leg = 0; leg < 2; leg++)
            {
                var onBaseline = baselineFirst == (leg == 0);
                var run = await ClosedLoopLoad.RunAsync(
                    onBaseline ? "baseline" : "api",
                    onBaseline ? baselineClient : apiClient,
                    onBaseline ? baselinePath : apiPath,
                    identities,
                    settings.ReadConcurrency,
                    settings.ReadWarmUp,
                    settings.ReadDuration,
                    context.Cpu,
                    cancellationToken);
                (onBaseline ? baselineRuns : apiRuns).Add(run);
                await context.Log.WriteLineAsync(
                    $"  round {round + 1} {run.Target,-8}: {run.RequestsPerSecond,8:N0} req/s, p50 {ClosedLoopLoad.Milliseconds(run.Latency.GetValueAtPercentile(50)):F2} ms, " +
                    $"p99 {ClosedLoopLoad.Milliseconds(run.Latency.GetValueAtPercentile(99)):F2} ms, errors {run.Errors}");
            }
        }

        context.Cpu?.Remove("baseline");
        var api = Combine("api", apiRuns);
        var ceiling = Combine("baseline", baselineRuns);
        var rps = Statistics.Median([.. apiRuns.Select(run => run.RequestsPerSecond)]);
        var baselineRps = Statistics.Median([.. baselineRuns.Select(run => run.RequestsPerSecond)]);
        if (api.Errors > 0 || ceiling.Errors > 0)
        {
            throw new InvalidOperationException($"Read load had {api.Errors} failed API requests and {ceiling.Errors} failed baseline requests.");
        }

        var result = new ReadResult(
            rps,
            baselineRps,
            rps / baselineRps,
            ClosedLoopLoad.Milliseconds(api.Latency.GetValueAtPercentile(50)),
            ClosedLoopLoad.Milliseconds(api.Latency.GetValueAtPercentile(99)),
            ClosedLoopLoad.Milliseconds(api.Latency.GetValueAtPercentile(99.9)),
            ClosedLoopLoad.Milliseconds(ceiling.Latency.GetValueAtPercentile(50)),
            ClosedLoopLoad.Milliseconds(ceiling.Latency.GetValueAtPercentile(99)),
            settings.ReadConcurrency,
            settings.ReadPageSize,
            readers.Length,
            graph.Spec.ReaderOrdinaryFollows,
            graph.Spec.ReaderInfluencerFollows,
            settings.ReadRounds,
            settings.ReadDuration.TotalSeconds,
            api.Requests,
            api.Errors,
            [.. apiRuns.Select(run => run.RequestsPerSecond)],
            [.. baselineRuns.Select(run => run.RequestsPerSecond)],
            CpuPerRequest(apiRuns, "baseline"),
            CpuPerRequest(baselineRuns, "api"),
            apiRuns.Concat(baselineRuns).Any(run => run.Cpu is null) ? null : Math.Round(Statistics.Median([.. apiRuns.Concat(baselineRuns).Select(run => run.Cpu!.OthersCores)]), 2),
            $"closed loop, {settings.ReadConcurrency} concurrent keep-alive connections, {settings.ReadRounds} alternating rounds of {settings.ReadDuration.TotalSeconds:F0} s (+{settings.ReadWarmUp.TotalSeconds:F0} s warm-up) per host; rps = median round; percentiles over all API requests");
        return (result, api, ceiling);
    }

    /// <summary>One first page per reader (fills the cache) and a check that each page is full.</summary>
    private static async Task WarmAsync(BenchContext context, int[] readers, CancellationToken cancellationToken)
    {
        var pageSize = context.Settings.ReadPageSize;
        var shortPages = 0;
        await Parallel.ForEachAsync(
            readers,
            new ParallelOptions { MaxDegreeOfParallelism = context.Settings.ReadConcurrency, CancellationToken = cancellationToken },
            async (reader, token) =>
            {
                var page = await context.ReadTimelineAsync(reader, pageSize, token);
                if (page.Count < pageSize)
                {
                    Interlocked.Increment(ref shortPages);
                }
            });
        if (shortPages > 0)
        {
            throw new InvalidOperationException($"{shortPages} readers got fewer than {pageSize} posts: the seeded timelines are too short.");
        }
    }

    /// <summary>CPU ms per request of each part (the idle other host left out), median over the rounds.</summary>
    private static Dictionary<string, double>? CpuPerRequest(List<LoadRun> runs, string idleHost)
    {
        if (runs.Any(run => run.Cpu is null))
        {
            return null;
        }

        var perRound = runs.Select(run =>
        {
            var parts = run.Cpu!.MillisecondsPer(run.Requests);
            parts.Remove(idleHost);
            return (IReadOnlyDictionary<string, double>)parts;
        }).ToList();
        return Statistics.MedianByPart(perRound);
    }

    private static LoadRun Combine(string target, List<LoadRun> runs)
    {
        var latency = ClosedLoopLoad.NewHistogram();
        foreach (var run in runs)
        {
            latency.Add(run.Latency);
        }

        return new LoadRun(target, runs.Sum(run => run.Requests), runs.Sum(run => run.Errors), TimeSpan.FromTicks(runs.Sum(run => run.Duration.Ticks)), latency);
    }
}
