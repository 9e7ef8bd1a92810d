using Feed.Benchmarks;
using Feed.Benchmarks.Hosting;
using Feed.Benchmarks.Micro;
using Feed.Benchmarks.Sizes;

// build/bench.sh runs the scenarios; the other commands are for the baseline host and for use by hand.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return args.FirstOrDefault() switch
{
    "serve-baseline" => await BaselineHost.RunAsync(args[1..]),
    "micro" => MicroBenchmarks.Run(args[1..]),
    "sizes" => await SizeMeasurement.RunAsync(args[1..], cancellation.Token),
    _ => await RunAllAsync(args, cancellation.Token),
};

static async Task<int> RunAllAsync(string[] args, CancellationToken cancellationToken)
{
    var settings = BenchmarkSettings.Parse(args);
    var exit = await BenchmarkRun.RunAsync(settings, cancellationToken);
    // The micro-benchmarks belong to the full run; a quick run includes them (short jobs) only with --micro.
    return exit == 0 && (settings.Micro || !settings.Quick) ? MicroBenchmarks.Run(settings.Quick ? ["--quick"] : [], settings.OutputDirectory) : exit;
}
