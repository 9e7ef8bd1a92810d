using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Feed.Benchmarks.Micro;

/// <summary>
/// The BenchmarkDotNet micro-benchmarks (<c>micro [--quick]</c>, or <c>--micro</c> after the scenarios).
/// They run in process: BenchmarkDotNet's default toolchain builds a generated project inside the
/// repository, where the repository's analyzers and warnings-as-errors would apply to generated code.
/// <c>--quick</c> uses a short job (3 warm-ups, 3 iterations) instead of BenchmarkDotNet's default.
/// </summary>
internal static class MicroBenchmarks
{
    public static int Run(string[] args, string? outputDirectory = null)
    {
        var quick = args.Contains("--quick");
        var output = Path.Combine(outputDirectory ?? BenchmarkSettings.Option(args, "--out") ?? Path.Combine(BenchmarkSettings.RepositoryRoot(), "artifacts", "bench"), "micro");
        var job = (quick ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(BenchmarkDotNet.Loggers.ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Brief)
            .WithArtifactsPath(output)
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<TimelineMergeBenchmarks>(config);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success) ? 1 : 0;
    }
}
