using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Feed.FaultTests;

/// <summary>
/// The service started while no Redis answers at <c>ConnectionStrings:Redis</c> (one server, or the
/// nodes of a cluster that is down): it starts, says so in one line naming the setting and the
/// endpoints, reports Redis degraded, and serves posts and timelines from PostgreSQL.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class RedisDownAtStartTests(FaultServers servers, ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Started_with_no_Redis_answering_it_reports_the_setting_in_one_line_and_serves_from_PostgreSQL(int nodes)
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        var database = await servers.CreateDatabaseAsync("redisdown");
        // Ports that were free a moment ago: nothing listens on them (a wrong string, or a cluster that is down).
        var endPoints = Enumerable.Range(0, nodes).Select(_ => $"127.0.0.1:{ApiProcess.FreePort()}").ToList();
        var settings = ApiProcess.Settings(servers, database);
        settings["ConnectionStrings__Redis"] = string.Join(',', endPoints);

        await using var api = await ApiProcess.StartAsync(settings);

        var health = await api.Http.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var checks = (await health.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["checks"]!;
        Assert.Equal("Degraded", checks["redis"]!["status"]!.GetValue<string>());
        Assert.Equal("Healthy", checks["postgres"]!["status"]!.GetValue<string>());

        var author = await api.Http.RegisterAsync("author");
        var reader = await api.Http.RegisterAsync("reader");
        await api.Http.FollowAsync(reader, author.UserId);
        var first = (await api.Http.PostAsync(author, 1)).PostId!.Value;
        var second = (await api.Http.PostAsync(author, 2)).PostId!.Value;
        await FaultDatabase.WaitAsync(database, "SELECT count(*) = 0 FROM outbox", TimeSpan.FromSeconds(60));
        var (status, timeline) = await api.Http.ReadTimelineAsync(reader);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([second, first], timeline);

        // One line, naming the setting and every endpoint; no stack trace, and no second report of
        // the same outage when the first cache calls fail (nor from each /health probe).
        var lines = api.Lines;
        var reports = lines.Where(line => line.Contains("ConnectionStrings:Redis", StringComparison.Ordinal)).ToList();
        output.WriteLine(string.Join('\n', reports));
        var report = Assert.Single(reports);
        Assert.All(endPoints, endPoint => Assert.Contains(endPoint, report, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Exception", StringComparison.Ordinal) || line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }
}
