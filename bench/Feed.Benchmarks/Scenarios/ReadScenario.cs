using Feed.Benchmarks.Hosting;
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
    public static async Task<(ReadResult Result, ReadRoundRuns Runs)> RunAsync(BenchContext context, ReadRounds reads, CancellationToken cancellationToken)
    {
        await context.Log.WriteLineAsync($"read: warming the cache with one page for each of {reads.Readers.Length:N0} readers");
        using var api = reads.CreateClient(context.Api);
        await reads.WarmAsync(api, cancellationToken);

        var runs = await reads.RunAsync("read", api, aroundApiLeg: null, cancellationToken);
        runs.EnsureNoFailedRequests("Read load");
        return (runs.ToReadResult(context, reads.Readers.Length, ReadRoundRuns.Describe(context.Settings)), runs);
    }
}
