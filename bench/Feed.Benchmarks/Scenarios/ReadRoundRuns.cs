using Feed.Benchmarks.Load;
using Feed.Benchmarks.Reporting;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// What the alternating rounds of <see cref="ReadRounds"/> measured, and the read numbers every read
/// scenario reports from them: throughput is the median round of each host, latency percentiles come
/// from every measured request, CPU per request is the median round of each part.
/// </summary>
internal sealed class ReadRoundRuns
{
    public ReadRoundRuns(IReadOnlyList<LoadRun> api, IReadOnlyList<LoadRun> baseline)
    {
        ApiRuns = api;
        BaselineRuns = baseline;
        Api = Combine("api", api);
        Baseline = Combine("baseline", baseline);
    }

    public IReadOnlyList<LoadRun> ApiRuns { get; }

    public IReadOnlyList<LoadRun> BaselineRuns { get; }

    /// <summary>Every API round together: requests, errors and one latency histogram.</summary>
    public LoadRun Api { get; }

    public LoadRun Baseline { get; }

    public double Rps => Statistics.Median([.. ApiRuns.Select(run => run.RequestsPerSecond)]);

    public double BaselineRps => Statistics.Median([.. BaselineRuns.Select(run => run.RequestsPerSecond)]);

    public double Ratio => Rps / BaselineRps;

    public double P50Ms => Percentile(Api, 50);

    public double P99Ms => Percentile(Api, 99);

    /// <summary>CPU ms per API request of each part (the idle baseline left out), median over the rounds.</summary>
    public Dictionary<string, double>? ApiCpuPerRequest => CpuPerRequest(ApiRuns, "baseline");

    public Dictionary<string, double>? BaselineCpuPerRequest => CpuPerRequest(BaselineRuns, "api");

    /// <summary>Cores the rest of the machine (other tenants) used, median over all rounds.</summary>
    public double? OtherTenantsCores =>
        ApiRuns.Concat(BaselineRuns).Any(run => run.Cpu is null)
            ? null
            : Math.Round(Statistics.Median([.. ApiRuns.Concat(BaselineRuns).Select(run => run.Cpu!.OthersCores)]), 2);

    public static double Percentile(LoadRun run, double percentile) =>
        ClosedLoopLoad.Milliseconds(run.Latency.GetValueAtPercentile(percentile));

    /// <summary>Failed requests fail the scenario (<paramref name="apiToo"/> false: only the baseline's, the API's being counted as the scenario's errors).</summary>
    public void EnsureNoFailedRequests(string scenario, bool apiToo = true)
    {
        if ((apiToo && Api.Errors > 0) || Baseline.Errors > 0)
        {
            throw new InvalidOperationException($"{scenario}: {Api.Errors} failed API requests and {Baseline.Errors} failed baseline requests.");
        }
    }

    /// <summary>The result of a read scenario without writes (<c>read</c>, <c>read_full</c>).</summary>
    public ReadResult ToReadResult(BenchContext context, int readers, string method)
    {
        var settings = context.Settings;
        return new ReadResult(
            Rps,
            BaselineRps,
            Ratio,
            P50Ms,
            P99Ms,
            Percentile(Api, 99.9),
            Percentile(Baseline, 50),
            Percentile(Baseline, 99),
            settings.ReadConcurrency,
            settings.ReadPageSize,
            readers,
            context.Graph.Spec.ReaderOrdinaryFollows,
            context.Graph.Spec.ReaderInfluencerFollows,
            settings.ReadRounds,
            settings.ReadDuration.TotalSeconds,
            Api.Requests,
            Api.Errors,
            [.. ApiRuns.Select(run => run.RequestsPerSecond)],
            [.. BaselineRuns.Select(run => run.RequestsPerSecond)],
            ApiCpuPerRequest,
            BaselineCpuPerRequest,
            OtherTenantsCores,
            method);
    }

    /// <summary>How the rounds were run, for a result's method string.</summary>
    public static string Describe(BenchmarkSettings settings) =>
        $"closed loop, {settings.ReadConcurrency} concurrent keep-alive connections, {settings.ReadRounds} alternating rounds of {settings.ReadDuration.TotalSeconds:F0} s (+{settings.ReadWarmUp.TotalSeconds:F0} s warm-up) per host; rps = median round; percentiles over all API requests";

    private static Dictionary<string, double>? CpuPerRequest(IReadOnlyList<LoadRun> runs, string idleHost)
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

    private static LoadRun Combine(string target, IReadOnlyList<LoadRun> runs)
    {
        var latency = ClosedLoopLoad.NewHistogram();
        foreach (var run in runs)
        {
            latency.Add(run.Latency);
        }

        return new LoadRun(target, runs.Sum(run => run.Requests), runs.Sum(run => run.Errors), TimeSpan.FromTicks(runs.Sum(run => run.Duration.Ticks)), latency);
    }
}
