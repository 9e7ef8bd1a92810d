using System.Globalization;
using HdrHistogram;
using ScottPlot;

namespace Feed.Benchmarks.Reporting;

/// <summary>
/// results.png: the ratios against their targets, the read latency distribution of the API and of
/// the baseline host, and the rows one day of posting writes all pushed versus with the split.
/// </summary>
internal static class ResultsChart
{
    public static void Save(BenchmarkResults results, HistogramBase apiLatency, HistogramBase baselineLatency, string path)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(4);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(2, 2);

        Ratios(multiplot.GetPlot(0), results);
        FanOut(multiplot.GetPlot(1), results);
        Latency(multiplot.GetPlot(2), results, apiLatency, baselineLatency);
        Rows(multiplot.GetPlot(3), results);

        multiplot.SavePng(path, 1600, 1100);
    }

    private static void Ratios(Plot plot, BenchmarkResults results)
    {
        (string Name, double Value, double Target, bool AtLeast)[] ratios =
        [
            ("fanout\n÷ ZADD", results.Fanout.Ratio, 0.5, true),
            ("fanout\n÷ store", results.Fanout.StoreRatio, 0.8, true),
            ("influencer\n100k ÷ 1k", results.InfluencerPost.Ratio, 2, false),
            ("read\n÷ baseline", results.Read.Ratio, 0.5, true),
            ("read_full\n÷ baseline", results.ReadFull.Ratio, 0.5, true),
            ("read_mixed\n÷ baseline", results.ReadMixed.Ratio, 0.5, true),
        ];
        var bars = new List<Bar>();
        for (var i = 0; i < ratios.Length; i++)
        {
            var met = ratios[i].AtLeast ? ratios[i].Value >= ratios[i].Target : ratios[i].Value <= ratios[i].Target;
            bars.Add(new Bar
            {
                Position = i,
                Value = ratios[i].Value,
                FillColor = met ? Colors.SeaGreen : Colors.IndianRed,
                Label = ratios[i].Value.ToString("F2", CultureInfo.InvariantCulture),
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 14;
        for (var i = 0; i < ratios.Length; i++)
        {
            var target = plot.Add.Line(i - 0.45, ratios[i].Target, i + 0.45, ratios[i].Target);
            target.LineWidth = 3;
            target.LineColor = Colors.Black;
            target.LinePattern = LinePattern.Dashed;
            plot.Add.Text((ratios[i].AtLeast ? ">= " : "<= ") + ratios[i].Target.ToString(CultureInfo.InvariantCulture), i - 0.4, ratios[i].Target);
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, ratios.Length).Select(i => (double)i)], [.. ratios.Select(ratio => ratio.Name)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, Math.Max(2.4, ratios.Max(ratio => ratio.Value) * 1.15));
        plot.Title("Ratios against ceilings measured in the same run");
        plot.YLabel("ratio");
    }

    private static void FanOut(Plot plot, BenchmarkResults results)
    {
        var fanout = results.Fanout;
        var bars = new List<Bar>();
        for (var i = 0; i < fanout.VisibleMsRuns.Count; i++)
        {
            bars.Add(new Bar
            {
                Position = i,
                Value = fanout.VisibleMsRuns[i],
                FillColor = fanout.VisibleMsRuns[i] < 1000 ? Colors.SeaGreen : Colors.IndianRed,
                Label = $"{fanout.VisibleMsRuns[i]:F0} ms\n{fanout.EntriesPerSRuns[i] / 1000:F0}k/s",
            });
        }

        plot.Add.Bars(bars);
        var target = plot.Add.HorizontalLine(1000);
        target.LinePattern = LinePattern.Dashed;
        target.Color = Colors.Black;
        target.LegendText = "target 1000 ms";
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, bars.Count).Select(i => (double)i)], [.. Enumerable.Range(1, bars.Count).Select(i => $"post {i}")]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, Math.Max(1200, fanout.VisibleMsRuns.Max() * 1.2));
        plot.Title($"Fan-out to {fanout.Followers:N0} followers: until visible to all (median {fanout.VisibleMs:F0} ms)");
        plot.YLabel("ms from POST to the last timeline");
        plot.ShowLegend(Alignment.UpperRight);
    }

    private static void Latency(Plot plot, BenchmarkResults results, HistogramBase api, HistogramBase baseline)
    {
        // Percentile axis in "nines": x = -log10(1 - p), so 90% = 1, 99% = 2, 99.9% = 3.
        foreach (var (histogram, name, color) in new[] { (api, "GET /api/timeline", Colors.SteelBlue), (baseline, "baseline (fixed page)", Colors.Gray) })
        {
            var xs = new List<double>();
            var ys = new List<double>();
            foreach (var point in histogram.Percentiles(5))
            {
                if (point.PercentileLevelIteratedTo >= 99.99)
                {
                    break;
                }

                xs.Add(-Math.Log10(1 - (point.PercentileLevelIteratedTo / 100)));
                ys.Add(point.ValueIteratedTo / 1_000_000.0);
            }

            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
            line.LegendText = name;
            line.Color = color;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }

        var target = plot.Add.HorizontalLine(10);
        target.LinePattern = LinePattern.Dashed;
        target.Color = Colors.IndianRed;
        target.LegendText = "p99 target 10 ms";
        plot.Axes.Bottom.SetTicks([0, 0.301, 1, 2, 3], ["0%", "50%", "90%", "99%", "99.9%"]);
        plot.Axes.SetLimitsX(0, 3.3);
        plot.Axes.SetLimitsY(0, Math.Max(12, results.Read.P999Ms * 1.1));
        plot.Title($"Read latency, {results.Read.Concurrency} clients: p50 {results.Read.P50Ms:F1} ms, p99 {results.Read.P99Ms:F1} ms");
        plot.XLabel("percentile");
        plot.YLabel("ms");
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void Rows(Plot plot, BenchmarkResults results)
    {
        var hybrid = results.PushVsHybrid;
        Bar[] bars =
        [
            new() { Position = 0, Value = hybrid.PushRows / 1e6, FillColor = Colors.IndianRed, Label = hybrid.PushRows.ToString("N0", CultureInfo.InvariantCulture) },
            new() { Position = 1, Value = hybrid.HybridRows / 1e6, FillColor = Colors.SeaGreen, Label = hybrid.HybridRows.ToString("N0", CultureInfo.InvariantCulture) },
        ];
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks([0, 1], ["every author pushed", "influencer split"]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.Axes.SetLimitsY(0, hybrid.PushRows / 1e6 * 1.15);
        plot.Title($"One day of posting ({hybrid.Posts:N0} posts): {hybrid.Ratio:F1}x fewer rows");
        plot.YLabel("millions of rows");
    }
}
