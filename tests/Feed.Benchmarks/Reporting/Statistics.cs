namespace Feed.Benchmarks.Reporting;

internal static class Statistics
{
    /// <summary>The middle value (the mean of the two middle ones for an even count): robust to one noisy run.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
