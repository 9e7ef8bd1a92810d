using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Feed.Benchmarks.Hosting;

/// <summary>
/// A web host run as a child process on a loopback port (the Feed API, or the baseline host), its
/// output sent to a log file. Disposing stops exactly this process (and its children).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private HostProcess(Process process, StreamWriter log, Uri address)
    {
        _process = process;
        _log = log;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/> --urls http://127.0.0.1:port</c>
    /// with exactly <paramref name="environment"/> added, and waits until <paramref name="readyPath"/> answers 2xx.
    /// </summary>
    public static async Task<HostProcess> StartAsync(
        string name,
        string assembly,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string readyPath,
        string logDirectory,
        CancellationToken cancellationToken)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(logDirectory);
        var log = new StreamWriter(Path.Combine(logDirectory, $"{name}.log"), append: false) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new HostProcess(process, log, address);
        try
        {
            await host.WaitUntilReadyAsync(name, readyPath, cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(string name, string readyPath, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {_process.ExitCode} before it was ready; see its log.");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(readyPath, UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Starting slowly.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"{name} was not ready after 3 minutes.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
