namespace Feed.Benchmarks.Micro;

internal static class MicroBenchmarks
{
    public static int Run(string[] args, string? outputDirectory = null)
    {
        Console.WriteLine($"micro benchmarks: not yet ({args.Length}, {outputDirectory})");
        return 0;
    }
}
