using Feed.Benchmarks.Load;
using Feed.Benchmarks.Reporting;

namespace Feed.Benchmarks.Scenarios;

/// <summary>
/// <c>read_mixed</c>: the read scenario's readers, baseline and alternation against the main API
/// while during each API round <see cref="MixedWriter"/> posts,
/// follows, unfollows and deletes at a fixed pace through the same API. Each API round ends with the
/// writer stopped and the outbox empty, so the baseline's rounds do not share the cores with
/// fan-outs left over. Afterwards 100 sampled readers' first pages (half of them readers whose
/// follows changed) must be exactly what PostgreSQL says (<see cref="FirstPageCheck"/>).
/// </summary>
internal static class ReadMixedScenario
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromMinutes(5);

    public static async Task<ReadMixedResult> RunAsync(BenchContext context, ReadRounds reads, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var writer = new MixedWriter(context, reads.Readers);
        await context.Log.WriteLineAsync(
            $"read_mixed: reads against the API while a writer sends {MixedWriter.ScheduledPerSecond:F0} writes/s " +
            $"({string.Join(", ", MixedWriter.Pace.Select(pace => $"{pace.Value:F0} {pace.Key}"))})");
        await context.WaitForDeliveryAsync(null, DeliveryTimeout, cancellationToken);

        using var api = reads.CreateClient(context.Api);
        var runs = await reads.RunAsync("read_mixed", api, measure => WhileWritingAsync(context, writer, measure, cancellationToken), cancellationToken);
        runs.EnsureNoFailedRequests("Mixed read load", apiToo: false);
        await context.Log.WriteLineAsync(
            $"  writer: {writer.WritesPerSecond:F1} writes/s over {writer.Active.TotalSeconds:F0} s, {writer.Errors} failed; " +
            string.Join(", ", writer.Tallies().Select(tally => $"{tally.Key} {tally.Value.Done}/{tally.Value.Sent}")));

        // Every write's fan-out and clean-up has finished (each API round ends drained; this says so here too).
        await context.WaitForDeliveryAsync(null, DeliveryTimeout, cancellationToken);
        var sample = Sample(context, reads.Readers, writer.ChangedReaders, settings.MixedCheckReaders);
        var check = await FirstPageCheck.RunAsync(context, sample, settings.ReadPageSize, cancellationToken);
        await context.Log.WriteLineAsync($"  first pages checked against PostgreSQL: {check.Checked - check.Wrong} of {check.Checked} right");

        var errors = runs.Api.Errors + writer.Errors;
        return new ReadMixedResult(
            runs.Rps,
            runs.BaselineRps,
            runs.Ratio,
            runs.P50Ms,
            runs.P99Ms,
            writer.WritesPerSecond,
            errors,
            runs.ApiCpuPerRequest,
            ReadRoundRuns.Percentile(runs.Api, 99.9),
            ReadRoundRuns.Percentile(runs.Baseline, 50),
            ReadRoundRuns.Percentile(runs.Baseline, 99),
            MixedWriter.ScheduledPerSecond,
            writer.Tallies(),
            runs.Api.Errors,
            writer.Errors,
            writer.FirstError,
            check.Checked,
            check.Wrong,
            check.FirstDifference,
            settings.ReadRounds,
            settings.ReadDuration.TotalSeconds,
            runs.Api.Requests,
            [.. runs.ApiRuns.Select(run => run.RequestsPerSecond)],
            [.. runs.BaselineRuns.Select(run => run.RequestsPerSecond)],
            runs.BaselineCpuPerRequest,
            runs.OtherTenantsCores,
            "as read, against the main API, with an open-loop writer through the HTTP API during each API round (warm-up included), stopped and the outbox drained before the next round; " +
            "writes_per_s = successful writes / writer time; errors = failed reads + failed writes; cpu per read request includes the writes; " +
            ReadRoundRuns.Describe(settings));
    }

    /// <summary>One API leg with the writer running beside it; the leg's fan-outs and clean-ups finish before the next leg.</summary>
    private static async Task<LoadRun> WhileWritingAsync(BenchContext context, MixedWriter writer, Func<Task<LoadRun>> measure, CancellationToken cancellationToken)
    {
        using var stop = new CancellationTokenSource();
        var writing = writer.RunAsync(stop.Token);
        LoadRun run;
        try
        {
            run = await measure();
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }

        await context.WaitForDeliveryAsync(null, DeliveryTimeout, cancellationToken);
        return run;
    }

    /// <summary>Up to half the sample from readers whose follows changed (where a wrong page is likeliest), the rest from all readers; seeded.</summary>
    private static List<int> Sample(BenchContext context, int[] readers, IReadOnlyCollection<int> changed, int size)
    {
        var random = new Random(context.Graph.Spec.Seed ^ 0xC4EC);
        var changedShuffled = changed.Order().ToArray();
        random.Shuffle(changedShuffled);
        var sample = changedShuffled.Take(size / 2).ToHashSet();
        var everyone = readers.ToArray();
        random.Shuffle(everyone);
        foreach (var reader in everyone)
        {
            if (sample.Count >= Math.Min(size, readers.Length))
            {
                break;
            }

            sample.Add(reader);
        }

        return [.. sample];
    }
}
