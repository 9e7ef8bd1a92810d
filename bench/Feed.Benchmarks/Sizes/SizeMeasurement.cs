namespace Feed.Benchmarks.Sizes;

/// <summary>
/// <c>Feed.Benchmarks sizes</c> (build/measure-sizes.sh): bytes per row in PostgreSQL and per cached
/// entry in Redis, the inputs of docs/scaling.md. Sizes only, no timing. Servers from
/// <c>FEED_TEST_POSTGRES</c> and <c>--redis NAME=CONNECTION</c> (repeatable: one Redis, a cluster).
/// </summary>
internal static class SizeMeasurement
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var log = Console.Out;
        var postgres = Environment.GetEnvironmentVariable("FEED_TEST_POSTGRES")
            ?? throw new InvalidOperationException("FEED_TEST_POSTGRES is not set: run build/measure-sizes.sh, which starts the servers.");
        var api = Path.GetFullPath(BenchmarkSettings.Option(args, "--api")
            ?? Path.Combine(BenchmarkSettings.RepositoryRoot(), "src", "Feed.Api", "bin", "Release", "net10.0", "Feed.Api.dll"));
        await log.WriteLineAsync($"Feed sizes, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        await PostgresSizes.MeasureAsync(postgres, api, Path.Combine(BenchmarkSettings.RepositoryRoot(), "artifacts", "sizes"), log, cancellationToken);
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--redis")
            {
                var (name, connection) = (args[i + 1].Split('=', 2)[0], args[i + 1].Split('=', 2)[1]);
                await log.WriteLineAsync();
                await RedisSizes.MeasureAsync(name, connection, log, cancellationToken);
            }
        }

        return 0;
    }
}
