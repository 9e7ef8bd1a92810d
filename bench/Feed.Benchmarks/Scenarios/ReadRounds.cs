using System.Net.Http.Headers;
using Feed.Benchmarks.Hosting;
using Feed.Benchmarks.Load;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// The read load that <c>read</c>, <c>read_full</c> and <c>read_mixed</c> share: the same readers (one
/// bearer token each), the same baseline host (<see cref="BaselineHost"/>, started once) and the same
/// alternation: rounds of GET /api/timeline?limit=20 against an API and of the fixed page against the
/// baseline, in turn, both through <see cref="ClosedLoopLoad"/>, so that both see the same noise.
/// </summary>
internal sealed class ReadRounds : IAsyncDisposable
{
    private readonly BenchContext _context;
    private readonly HostProcess _baseline;
    private readonly HttpClient _baselineClient;
    private readonly AuthenticationHeaderValue[] _identities;

    private ReadRounds(BenchContext context, HostProcess baseline, int[] readers)
    {
        _context = context;
        _baseline = baseline;
        _baselineClient = ClosedLoopLoad.CreateClient(baseline.Address, context.Settings.ReadConcurrency);
        Readers = readers;
        _identities = readers.Select(context.Bearer).ToArray();
    }

    /// <summary>The graph's readers, in the order the load walks them.</summary>
    public int[] Readers { get; }

    /// <summary>Starts the baseline host (its CPU metered as "baseline" until disposed).</summary>
    public static async Task<ReadRounds> StartAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var baseline = await HostProcess.StartAsync(
            "baseline",
            typeof(BaselineHost).Assembly.Location,
            ["serve-baseline"],
            context.HostEnvironment,
            "/health",
            Path.Combine(context.Settings.OutputDirectory, "logs"),
            cancellationToken);
        context.Cpu?.Add("baseline", baseline.ProcessId);
        var graph = context.Graph;
        return new ReadRounds(context, baseline, [.. Enumerable.Range(graph.ReaderRange.Start.Value, graph.Spec.Readers)]);
    }

    /// <summary>A keep-alive client for an API process, one connection per concurrent reader.</summary>
    public HttpClient CreateClient(HostProcess api) => ClosedLoopLoad.CreateClient(api.Address, _context.Settings.ReadConcurrency);

    /// <summary>One first page per reader from <paramref name="api"/> (fills its caches) and a check that each page is full.</summary>
    public async Task WarmAsync(HttpClient api, CancellationToken cancellationToken)
    {
        var pageSize = _context.Settings.ReadPageSize;
        var shortPages = 0;
        await Parallel.ForEachAsync(
            Readers,
            new ParallelOptions { MaxDegreeOfParallelism = _context.Settings.ReadConcurrency, CancellationToken = cancellationToken },
            async (reader, token) =>
            {
                var page = await _context.ReadTimelineAsync(api, reader, pageSize, token);
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

    /// <summary>
    /// <see cref="BenchmarkSettings.ReadRounds"/> rounds, each one leg against <paramref name="api"/> and
    /// one against the baseline (which goes first alternates). <paramref name="aroundApiLeg"/>, when
    /// given, runs each API leg (the measurement passed to it) inside whatever else that scenario
    /// loads the API with.
    /// </summary>
    public async Task<ReadRoundRuns> RunAsync(
        string scenario, HttpClient api, Func<Func<Task<LoadRun>>, Task<LoadRun>>? aroundApiLeg, CancellationToken cancellationToken)
    {
        var settings = _context.Settings;
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
                Task<LoadRun> Measure() => ClosedLoopLoad.RunAsync(
                    onBaseline ? "baseline" : "api",
                    onBaseline ? _baselineClient : api,
                    onBaseline ? baselinePath : apiPath,
                    _identities,
                    settings.ReadConcurrency,
                    settings.ReadWarmUp,
                    settings.ReadDuration,
                    _context.Cpu,
                    cancellationToken);
                var run = onBaseline || aroundApiLeg is null ? await Measure() : await aroundApiLeg(Measure);
                (onBaseline ? baselineRuns : apiRuns).Add(run);
                await _context.Log.WriteLineAsync(
                    $"  {scenario} round {round + 1} {run.Target,-8}: {run.RequestsPerSecond,8:N0} req/s, p50 {ClosedLoopLoad.Milliseconds(run.Latency.GetValueAtPercentile(50)):F2} ms, " +
                    $"p99 {ClosedLoopLoad.Milliseconds(run.Latency.GetValueAtPercentile(99)):F2} ms, errors {run.Errors}");
            }
        }

        return new ReadRoundRuns(apiRuns, baselineRuns);
    }

    public async ValueTask DisposeAsync()
    {
        _context.Cpu?.Remove("baseline");
        _baselineClient.Dispose();
        await _baseline.DisposeAsync();
    }
}
