using System.Diagnostics;

namespace Feed.FaultTests;

/// <summary>Runs the build scripts' server functions (build/services.sh, build/redis-cluster.sh) in bash.</summary>
public static class FaultShell
{
    /// <summary>
    /// Runs <paramref name="command"/> with both scripts sourced and <paramref name="environment"/>
    /// set (what an earlier start exported, to find its servers again); fails on a non-zero exit.
    /// </summary>
    public static async Task<string> RunAsync(string command, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = FaultServers.RepositoryRoot,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"set -e; source build/services.sh; source build/redis-cluster.sh; {command}");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start bash.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' failed with exit code {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    /// <summary>Runs <paramref name="start"/>, then returns the <c>FEED_*</c> variables it exported.</summary>
    public static async Task<Dictionary<string, string>> StartAsync(string start, IReadOnlyDictionary<string, string> environment)
    {
        var exported = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (await RunAsync($"{start} >/dev/null && env | grep '^FEED_'", environment)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var split = line.IndexOf('=', StringComparison.Ordinal);
            exported[line[..split]] = line[(split + 1)..];
        }

        return exported;
    }
}
