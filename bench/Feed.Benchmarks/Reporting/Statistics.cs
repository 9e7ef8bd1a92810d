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

        var sorted = values.Where(value => !double.IsNaN(value)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Per part, the median over runs of each run's value (parts missing from a run are skipped).</summary>
    public static Dictionary<string, double>? MedianByPart(IReadOnlyList<IReadOnlyDictionary<string, double>> runs)
    {
        if (runs.Count == 0)
        {
            return null;
        }

        var parts = runs.SelectMany(run => run.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return parts.ToDictionary(
            part => part,
            part => Math.Round(Median([.. runs.Where(run => run.ContainsKey(part)).Select(run => run[part])]), 4),
            StringComparer.Ordinal);
    }
}
