using System.Diagnostics;
using System.Net.Http.Headers;
using HdrHistogram;

namespace Feed.Benchmarks.Load;

/// <summary>What one load run measured: completed requests, failures, and each request's latency (ns).</summary>
internal sealed record LoadRun(string Target, long Requests, long Errors, TimeSpan Duration, LongHistogram Latency, CpuUse? Cpu = null)
{
    public double RequestsPerSecond => Requests / Duration.TotalSeconds;
}

/// <summary>
/// A closed-loop HTTP load: <c>concurrency</c> workers, each sending its next request as soon as the
/// previous response body has been read, over keep-alive connections (one per worker). Requests in
/// the warm-up are not counted. Latency is recorded per request in an HdrHistogram (nanoseconds).
/// </summary>
internal static class ClosedLoopLoad
{
    private const long MaxLatencyNs = 60L * 1_000_000_000;

    public static HttpClient CreateClient(Uri address, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
        })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public static async Task<LoadRun> RunAsync(
        string target,
        HttpClient client,
        Uri path,
        IReadOnlyList<AuthenticationHeaderValue> identities,
        int concurrency,
        TimeSpan warmUp,
        TimeSpan duration,
        CpuMeter? cpu,
        CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = new Task<(LongHistogram Latency, long Errors)>[concurrency];
        for (var worker = 0; worker < concurrency; worker++)
        {
            var first = worker;
            workers[worker] = Task.Run(() => WorkAsync(client, path, identities, first, concurrency, measureFrom, measureTo, cancellationToken), cancellationToken);
        }

        // CPU of every part over the measured window only.
        CpuUse? cpuUse = null;
        if (cpu is not null)
        {
            await Task.Delay(warmUp, cancellationToken);
            var atStart = cpu.Snapshot();
            await Task.Delay(duration, cancellationToken);
            cpuUse = CpuMeter.Between(atStart, cpu.Snapshot());
        }

        var latency = NewHistogram();
        var errors = 0L;
        foreach (var result in await Task.WhenAll(workers))
        {
            latency.Add(result.Latency);
            errors += result.Errors;
        }

        return new LoadRun(target, latency.TotalCount, errors, duration, latency, cpuUse);
    }

    public static LongHistogram NewHistogram() => new(MaxLatencyNs, 3);

    /// <summary>Nanoseconds to milliseconds.</summary>
    public static double Milliseconds(long nanoseconds) => nanoseconds / 1_000_000.0;

    private static async Task<(LongHistogram Latency, long Errors)> WorkAsync(
        HttpClient client,
        Uri path,
        IReadOnlyList<AuthenticationHeaderValue> identities,
        int first,
        int stride,
        long measureFrom,
        long measureTo,
        CancellationToken cancellationToken)
    {
        var latency = NewHistogram();
        var errors = 0L;
        var next = first;
        var nsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= measureTo)
            {
                break;
            }

            // Each worker walks its own share of the identities, so a run spreads over all of them.
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = identities[next % identities.Count];
            next += stride;
            var ok = false;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                ok = response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                ok = false;
            }

            var received = Stopwatch.GetTimestamp();
            if (sent >= measureFrom && received <= measureTo)
            {
                if (ok)
                {
                    latency.RecordValue(Math.Min(MaxLatencyNs, (long)((received - sent) * nsPerTick)));
                }
                else
                {
                    errors++;
                }
            }
        }

        return (latency, errors);
    }
}
