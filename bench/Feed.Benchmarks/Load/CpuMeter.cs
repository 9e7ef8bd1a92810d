using System.Diagnostics;
using System.Globalization;

namespace Feed.Benchmarks.Load;

/// <summary>CPU time (seconds) used by each part of the system, and by the whole machine, at one instant.</summary>
internal sealed record CpuSnapshot(long At, IReadOnlyDictionary<string, double> Seconds, double MachineBusySeconds);

/// <summary>Cores used by each part between two snapshots; "others" is the rest of the machine (other tenants included).</summary>
internal sealed record CpuUse(double WallSeconds, IReadOnlyDictionary<string, double> Cores, double MachineCores)
{
    public double OthersCores => Math.Max(0, MachineCores - Cores.Values.Sum());

    /// <summary>CPU milliseconds per operation for each part, given the operations done in the interval.</summary>
    public Dictionary<string, double> MillisecondsPer(double operations)
    {
        var perOperation = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (part, cores) in Cores)
        {
            perOperation[part] = operations <= 0 ? double.NaN : cores * WallSeconds * 1000 / operations;
        }

        return perOperation;
    }
}

/// <summary>
/// Reads CPU time from /proc (Linux): the API, the baseline host, this process (the load generator),
/// PostgreSQL (its postmaster and every backend) and Redis, plus the machine's busy time from
/// /proc/stat. The servers are found through the pid files of build/services.sh (FEED_PG_DATA, FEED_SERVICES_DIR)
/// and build/redis-cluster.sh (FEED_REDIS_CLUSTER_DIR).
/// </summary>
internal sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on Linux
    private readonly Dictionary<string, Func<IEnumerable<int>>> _parts = new(StringComparer.Ordinal);

    public CpuMeter()
    {
        _parts["client"] = () => [Environment.ProcessId];
        if (PidFromFile(Environment.GetEnvironmentVariable("FEED_PG_DATA"), "postmaster.pid") is { } postmaster)
        {
            _parts["postgres"] = () => ChildrenOf(postmaster).Prepend(postmaster);
        }

        // The cluster's nodes (build/redis-cluster.sh) when the benchmark runs against one, the single Redis otherwise.
        var clusterDirectory = Environment.GetEnvironmentVariable("FEED_REDIS_CLUSTER_DIR");
        if (!string.IsNullOrEmpty(clusterDirectory) && Directory.Exists(clusterDirectory))
        {
            int[] nodes = [.. Directory.GetDirectories(clusterDirectory).Select(node => PidFromFile(node, "redis.pid")).OfType<int>()];
            _parts["redis"] = () => nodes;
        }
        else if (PidFromFile(Environment.GetEnvironmentVariable("FEED_SERVICES_DIR"), "redis.pid") is { } redis)
        {
            _parts["redis"] = () => [redis];
        }
    }

    public static bool Available => File.Exists("/proc/stat");

    public void Add(string part, int processId) => _parts[part] = () => [processId];

    public void Remove(string part) => _parts.Remove(part);

    public CpuSnapshot Snapshot()
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (part, processes) in _parts)
        {
            seconds[part] = processes().Sum(ProcessSeconds);
        }

        return new CpuSnapshot(Stopwatch.GetTimestamp(), seconds, MachineBusySeconds());
    }

    public static CpuUse Between(CpuSnapshot start, CpuSnapshot end)
    {
        var wall = Stopwatch.GetElapsedTime(start.At, end.At).TotalSeconds;
        var cores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (part, seconds) in end.Seconds)
        {
            if (start.Seconds.TryGetValue(part, out var before))
            {
                cores[part] = (seconds - before) / wall;
            }
        }

        return new CpuUse(wall, cores, (end.MachineBusySeconds - start.MachineBusySeconds) / wall);
    }

    private static double ProcessSeconds(int processId)
    {
        try
        {
            // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0; // the process ended (a backend closed): its time is lost, the error is small
        }
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var processId))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
            {
                yield return processId;
            }
        }
    }

    /// <summary>All cores' non-idle time: user, nice, system, irq, softirq, steal.</summary>
    private static double MachineBusySeconds()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long busy = 0;
        foreach (var index in new[] { 1, 2, 3, 6, 7, 8 })
        {
            busy += long.Parse(cpu[index], CultureInfo.InvariantCulture);
        }

        return busy / TicksPerSecond;
    }

    private static int? PidFromFile(string? directory, string file)
    {
        if (directory is null)
        {
            return null;
        }

        var path = Path.Combine(directory, file);
        return File.Exists(path) && int.TryParse(File.ReadLines(path).FirstOrDefault(), out var processId) ? processId : null;
    }
}
