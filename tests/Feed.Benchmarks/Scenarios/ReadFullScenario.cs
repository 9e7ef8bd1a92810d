using Feed.Benchmarks.Hosting;
using Feed.Benchmarks.Reporting;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// <c>read_full</c>: the read scenario with page reuse off, so every request is a full read (what a
/// read after any change costs). It runs against a second API process started like the main one,
/// same environment, plus <c>Feed__Timeline__PageCacheSize=0</c>, on the same database and Redis
/// (the caches the read scenario warmed), with the same readers, baseline and alternation. The main
/// API stays up but idle; while this runs, "api" in the CPU accounting is the second process.
/// </summary>
internal static class ReadFullScenario
{
    public const string PageReuseOff = "Feed__Timeline__PageCacheSize";

    public static async Task<ReadResult> RunAsync(BenchContext context, ReadRounds reads, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(context.HostEnvironment) { [PageReuseOff] = "0" };
        await using var fullReads = await HostProcess.StartAsync(
            "api-read-full",
            context.Settings.ApiAssembly,
            [],
            environment,
            "/health",
            Path.Combine(context.Settings.OutputDirectory, "logs"),
            cancellationToken);
        await context.Log.WriteLineAsync($"read_full: a second API (pid {fullReads.ProcessId}) with page reuse off; one page for each of {reads.Readers.Length:N0} readers first");
        context.Cpu?.Add("api", fullReads.ProcessId);
        try
        {
            using var api = reads.CreateClient(fullReads);
            await reads.WarmAsync(api, cancellationToken);
            var runs = await reads.RunAsync("read_full", api, aroundApiLeg: null, cancellationToken);
            runs.EnsureNoFailedRequests("Read load with page reuse off");
            return runs.ToReadResult(
                context,
                reads.Readers.Length,
                $"as read, against a second API process with {PageReuseOff}=0 (every request a full read); " + ReadRoundRuns.Describe(context.Settings));
        }
        finally
        {
            context.Cpu?.Add("api", context.Api.ProcessId);
        }
    }
}
