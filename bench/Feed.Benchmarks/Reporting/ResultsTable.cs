using System.Globalization;
using System.Text;

namespace Feed.Benchmarks.Reporting;

/// <summary>The results as a plain-text table, one row per scenario (also the Markdown table of docs/performance.md).</summary>
internal static class ResultsTable
{
    public static string Render(BenchmarkResults results)
    {
        var rows = Rows(results);
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            text.AppendJoin(" | ", rows[r].Select((cell, i) => cell.PadRight(widths[i]))).AppendLine();
            if (r == 0)
            {
                text.AppendJoin("-+-", widths.Select(width => new string('-', width))).AppendLine();
            }
        }

        return text.ToString();
    }

    public static string Markdown(BenchmarkResults results)
    {
        var rows = Rows(results);
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", rows[0]).AppendLine(" |");
        text.Append('|').AppendJoin('|', rows[0].Select(_ => "---")).AppendLine("|");
        foreach (var row in rows.Skip(1))
        {
            text.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
        }

        return text.ToString();
    }

    private static List<string[]> Rows(BenchmarkResults results)
    {
        var fanout = results.Fanout;
        var influencer = results.InfluencerPost;
        var read = results.Read;
        var readFull = results.ReadFull;
        var readMixed = results.ReadMixed;
        var hybrid = results.PushVsHybrid;
        return
        [
            ["scenario", "measured", "ceiling / reference", "ratio", "target", "met"],
            [
                "fanout",
                $"{N(fanout.EntriesPerS)} entries/s; visible in {F(fanout.VisibleMs, 0)} ms ({N(fanout.Followers)} followers)",
                $"{N(fanout.CeilingPerS)} ZADD/s",
                F(fanout.Ratio, 2),
                "ratio >= 0.5; visible < 1000 ms",
                Met(results, "fanout.ratio") + "; " + Met(results, "fanout.visible_ms"),
            ],
            [
                "fanout (store)",
                $"{N(fanout.EntriesPerS)} entries/s",
                $"{N(fanout.StoreCeilingPerS)} rows + ZADDs/s (raw insert + ZADD)",
                F(fanout.StoreRatio, 2),
                "store_ratio >= 0.8",
                Met(results, "fanout.store_ratio"),
            ],
            [
                "influencer_post",
                $"{F(influencer.LargeMs, 1)} ms ({N(influencer.LargeFollowers)} followers)",
                $"{F(influencer.SmallMs, 1)} ms ({N(influencer.SmallFollowers)} followers)",
                F(influencer.Ratio, 2),
                "ratio <= 2",
                Met(results, "influencer_post.ratio"),
            ],
            [
                "read",
                $"{N(read.Rps)} req/s; p50 {F(read.P50Ms, 2)} ms, p99 {F(read.P99Ms, 2)} ms",
                $"{N(read.BaselineRps)} req/s (fixed page)",
                F(read.Ratio, 2),
                "ratio >= 0.5; p99 < 10 ms",
                Met(results, "read.ratio") + "; " + Met(results, "read.p99_ms"),
            ],
            [
                "read_full",
                $"{N(readFull.Rps)} req/s; p50 {F(readFull.P50Ms, 2)} ms, p99 {F(readFull.P99Ms, 2)} ms; PostgreSQL {F(Part(readFull.CpuMsPerRequest, "postgres"), 3)} ms CPU/req",
                $"{N(readFull.BaselineRps)} req/s (fixed page)",
                F(readFull.Ratio, 2),
                "ratio >= 0.5; p99 < 10 ms; PostgreSQL <= 0.005 ms/req",
                Met(results, "read_full.ratio") + "; " + Met(results, "read_full.p99_ms") + "; " + Met(results, "read_full.cpu_ms_per_request.postgres"),
            ],
            [
                "read_mixed",
                $"{N(readMixed.Rps)} req/s; p50 {F(readMixed.P50Ms, 2)} ms, p99 {F(readMixed.P99Ms, 2)} ms; " +
                $"{F(readMixed.WritesPerS, 1)} writes/s, {readMixed.Errors} errors; {readMixed.PagesChecked - readMixed.PagesWrong}/{readMixed.PagesChecked} pages right",
                $"{N(readMixed.BaselineRps)} req/s (fixed page)",
                F(readMixed.Ratio, 2),
                "ratio >= 0.5; p99 < 10 ms; errors == 0; pages right",
                Met(results, "read_mixed.ratio") + "; " + Met(results, "read_mixed.p99_ms") + "; " + Met(results, "read_mixed.errors") + "; " + Met(results, "read_mixed.pages_wrong"),
            ],
            [
                "push_vs_hybrid",
                $"{N(hybrid.HybridRows)} rows with the split",
                $"{N(hybrid.PushRows)} rows all pushed",
                F(hybrid.Ratio, 1) + "x",
                "(fewer rows)",
                "-",
            ],
        ];
    }

    private static string Met(BenchmarkResults results, string name) =>
        results.Targets.First(target => target.Name == name).Met ? "yes" : "NO";

    private static double Part(IReadOnlyDictionary<string, double>? parts, string part) =>
        parts?.GetValueOrDefault(part, double.NaN) ?? double.NaN;

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
