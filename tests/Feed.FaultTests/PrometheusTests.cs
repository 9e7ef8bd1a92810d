using System.Diagnostics;
using System.Net;
using Feed.Testing;

namespace Feed.FaultTests;

/// <summary>
/// A real Prometheus scrapes a running API: after posts and reads, its HTTP API shows exactly the
/// fan-out entries and timeline reads made; the alert rules of docs/operations.md pass
/// <c>promtool check rules</c> and each evaluates in that Prometheus against the real series.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class PrometheusTests(FaultServers servers, ITestOutputHelper output)
{
    private const int Followers = 3;
    private const int Posts = 2;

    [Fact]
    public async Task Prometheus_scrapes_the_fan_out_and_read_counts_and_the_documented_alert_rules_are_valid()
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        var prometheus = PrometheusServer.Binary("prometheus");
        var promtool = PrometheusServer.Binary("promtool");
        if (prometheus is null || promtool is null)
        {
            Assert.False(PrometheusServer.Required, "FEED_TEST_PROMETHEUS=required, but prometheus or promtool is not installed (apt-get install prometheus).");
            Assert.Skip("prometheus is not installed (build/test.sh installs it).");
        }

        var rules = Path.Combine(Directory.CreateTempSubdirectory("feed-rules-").FullName, "feed-rules.yml");
        await File.WriteAllTextAsync(rules, OperationsDocument.AlertRules(), TestContext.Current.CancellationToken);
        var (exitCode, checkOutput) = await RunAsync(promtool, "check", "rules", rules);
        output.WriteLine(checkOutput);
        Assert.True(exitCode == 0, checkOutput);
        Assert.Contains("SUCCESS: 4 rules found", checkOutput, StringComparison.Ordinal);

        var database = await servers.CreateDatabaseAsync("prometheus");
        await using var api = await ApiProcess.StartAsync(ApiProcess.Settings(servers, database));
        await using var scraper = await PrometheusServer.StartAsync(prometheus, api.Address, rules);

        var author = await api.Http.RegisterAsync("author");
        var readers = new List<FaultUser>();
        var reads = 0;
        for (var i = 0; i < Followers; i++)
        {
            var reader = await api.Http.RegisterAsync("reader");
            await api.Http.FollowAsync(reader, author.UserId);
            // A first read makes the follower active: fan-out writes entries for active followers.
            Assert.Equal(HttpStatusCode.OK, (await api.Http.ReadTimelineAsync(reader)).Status);
            reads++;
            readers.Add(reader);
        }

        for (var i = 0; i < Posts; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await api.Http.PostAsync(author, i)).Status);
        }

        await FaultDatabase.WaitAsync(database, "SELECT count(*) = 0 FROM outbox", Patience.Timeout);
        foreach (var reader in readers)
        {
            var (status, timeline) = await api.Http.ReadTimelineAsync(reader);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(Posts, timeline.Count);
            reads++;
        }

        await WaitForAsync(scraper, "sum(feed_fanout_entries_total)", Followers * Posts);
        await WaitForAsync(scraper, "sum(feed_timeline_reads_total)", reads);
        await WaitForAsync(scraper, "sum(feed_fanout_duration_seconds_count)", Posts);
        await WaitForAsync(scraper, "max(feed_outbox_pending)", 0);

        // Every documented rule is loaded and evaluates without error against the real series.
        IReadOnlyList<(string Name, string Health)> loaded = [];
        await Patience.UntilAsync(
            async () =>
            {
                loaded = await scraper.RulesAsync();
                return loaded.Count == 4 && loaded.All(rule => rule.Health == "ok");
            },
            "the alert rules to be loaded and evaluated",
            TestContext.Current.CancellationToken);
        Assert.Equal(["FeedCacheFallbacks", "FeedFanOutLagging", "FeedOutboxGrowing", "FeedTimelineReadsSlow"], loaded.Select(rule => rule.Name).Order(StringComparer.Ordinal));
    }

    private async Task WaitForAsync(PrometheusServer scraper, string query, double expected)
    {
        double? last = null;
        try
        {
            await Patience.UntilAsync(
                async () =>
                {
                    last = await scraper.QueryAsync(query);
                    return last == expected;
                },
                $"{query} to be {expected}",
                TestContext.Current.CancellationToken);
        }
        finally
        {
            output.WriteLine($"{query} = {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(no series)"}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>The alert rules as docs/operations.md states them: the YAML block of its "Alert rules" section.</summary>
public static class OperationsDocument
{
    public static string AlertRules()
    {
        var path = Path.Combine(FaultServers.RepositoryRoot, "docs", "operations.md");
        var text = File.ReadAllText(path);
        var section = text.IndexOf("\n## Alert rules", StringComparison.Ordinal);
        var start = section < 0 ? -1 : text.IndexOf("```yaml\n", section, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf("\n```", start + 8, StringComparison.Ordinal);
        return end < 0
            ? throw new InvalidOperationException($"{path} has no ```yaml block under '## Alert rules'.")
            : text[(start + 8)..(end + 1)];
    }
}
