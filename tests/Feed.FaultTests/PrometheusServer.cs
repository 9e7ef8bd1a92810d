using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Feed.Testing;

namespace Feed.FaultTests;

/// <summary>
/// Debian's <c>prometheus</c> run as a child process on a free loopback port, scraping one API every
/// second and evaluating the given rule file; its data directory is thrown away. <c>build/test.sh</c>
/// installs the package and sets <c>FEED_TEST_PROMETHEUS=required</c>, so there a missing binary fails
/// instead of skipping.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    public static string? Binary(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("FEED_TEST_PROMETHEUS"), "required", StringComparison.Ordinal);

    public static async Task<PrometheusServer> StartAsync(string binary, Uri target, string rulesFile)
    {
        var directory = Directory.CreateTempSubdirectory("feed-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - {rulesFile}
            scrape_configs:
              - job_name: feed
                metrics_path: /metrics
                static_configs:
                  - targets: ['{target.Authority}']
            """);
        var address = new Uri($"http://127.0.0.1:{ApiProcess.FreePort()}");
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"--config.file={config}");
        start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        start.ArgumentList.Add($"--web.listen-address={address.Authority}");
        var log = Path.Combine(FaultServers.RepositoryRoot, "artifacts", "fault-tests", $"prometheus-{DateTime.UtcNow:HHmmss}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start prometheus.");
        var server = new PrometheusServer(process, directory, address);
        process.OutputDataReceived += (_, line) => Append(log, line.Data);
        process.ErrorDataReceived += (_, line) => Append(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Patience.UntilAsync(server.IsReadyAsync, $"prometheus to be ready (its log: {log})", CancellationToken.None);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The value of an instant query that returns one series, or null while it returns none.</summary>
    public async Task<double?> QueryAsync(string promQl)
    {
        var answer = JsonNode.Parse(await Http.GetStringAsync(new Uri($"/api/v1/query?query={Uri.EscapeDataString(promQl)}", UriKind.Relative)))!;
        var result = answer["data"]!["result"]!.AsArray();
        return result.Count == 0 ? null : double.Parse(result[0]!["value"]![1]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The loaded alert rules: name and health ("ok" once evaluated without error).</summary>
    public async Task<IReadOnlyList<(string Name, string Health)>> RulesAsync()
    {
        var answer = JsonNode.Parse(await Http.GetStringAsync(new Uri("/api/v1/rules", UriKind.Relative)))!;
        return [.. answer["data"]!["groups"]!.AsArray()
            .SelectMany(group => group!["rules"]!.AsArray())
            .Select(rule => (rule!["name"]!.GetValue<string>(), rule["health"]!.GetValue<string>()))];
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static void Append(string log, string? line)
    {
        if (line is not null)
        {
            lock (typeof(PrometheusServer))
            {
                File.AppendAllLines(log, [line]);
            }
        }
    }

    private async Task<bool> IsReadyAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"prometheus exited with code {_process.ExitCode}.");
        }

        try
        {
            return (await Http.GetAsync(new Uri("/-/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}
