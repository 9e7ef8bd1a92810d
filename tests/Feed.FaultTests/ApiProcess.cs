using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Feed.FaultTests;

/// <summary>
/// The real Feed API run as a child process (<c>dotnet src/Feed.Api/bin/&lt;configuration&gt;/net10.0/Feed.Api.dll</c>)
/// on PostgreSQL and Redis, configured by environment variables as an operator would. <see cref="Kill"/>
/// is <c>kill -9</c>: no shutdown code runs.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    public const string SigningKey = "fault-tests-signing-key-0123456789-abcdefghij";

    private readonly Process _process;
    private readonly List<string> _output = [];

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>Where the service's output goes too: artifacts/fault-tests/, one file per process.</summary>
    public string LogFile { get; } = Path.Combine(FaultServers.RepositoryRoot, "artifacts", "fault-tests", $"api-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid():N}"[..30] + ".log");

    /// <summary>What the service printed, for a failure message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(80));
            }
        }
    }

    /// <summary>Every line the service printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    public static Dictionary<string, string> Settings(FaultServers servers, string postgres) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Feed__Auth__SigningKey"] = SigningKey,
        ["Feed__Cursors__SigningKey"] = "fault-tests-cursor-key-0123456789-abcdefghij",
        ["Feed__Storage__Provider"] = "Postgres",
        ["ConnectionStrings__Postgres"] = postgres,
        ["Feed__Timeline__Cache"] = "Redis",
        ["ConnectionStrings__Redis"] = servers.Redis,
        ["Feed__Timeline__CacheKeyPrefix"] = $"fault-{Guid.NewGuid():N}:",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning",
        ["Logging__Console__FormatterName"] = "simple",
        // The tests register many users from one address.
        ["Feed__RateLimits__Enabled"] = "false",
    };

    /// <summary>Starts the API and waits until <c>/health</c> answers 200 (the schema is in place then).</summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string> settings, int? port = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var assembly = ApiAssembly();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Its own directory, as deployed: the content root, so the shipped appsettings.json applies.
            WorkingDirectory = Path.GetDirectoryName(assembly),
        };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.Combine(FaultServers.RepositoryRoot, "artifacts", "fault-tests"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the API.");
        var api = new ApiProcess(process, address);
        process.OutputDataReceived += (_, line) => api.Record(line.Data);
        process.ErrorDataReceived += (_, line) => api.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await api.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a service; waits until the process has exited and returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(Feed.Testing.Patience.Timeout);
        await _process.WaitForExitAsync(patience.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var probe = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
                if ((await probe.GetAsync("/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow to answer: starting.
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"The API was not healthy after {timeout}:\n{Output}");
            }

            await Task.Delay(100);
        }
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
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ApiAssembly()
    {
        // The configuration these tests were built in (build/test.sh builds Release).
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Debug"
            : "Release";
        var assembly = Path.Combine(FaultServers.RepositoryRoot, "src", "Feed.Api", "bin", configuration, "net10.0", "Feed.Api.dll");
        return File.Exists(assembly) ? assembly : throw new FileNotFoundException("Build the API first (dotnet build Feed.sln -c Release).", assembly);
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
                File.AppendAllLines(LogFile, [line]);
            }
        }
    }
}
