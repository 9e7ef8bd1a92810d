using System.Diagnostics;
using System.Net;
using Npgsql;

namespace Feed.FaultTests;

/// <summary>
/// PostgreSQL restarted (fast shutdown, then start) while an author posts in a loop: never a 500, a
/// client that waits out each 503 loses nothing, and every acknowledged post exists and reaches
/// every follower.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class PostgresRestartTests(FaultServers servers, ITestOutputHelper output)
{
    [Fact]
    public async Task A_postgres_restart_during_a_posting_loop_gives_no_500_and_every_201_is_present_and_delivered()
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        var database = await servers.CreateDatabaseAsync("restart");
        await using var api = await ApiProcess.StartAsync(ApiProcess.Settings(servers, database));
        var author = await api.Http.RegisterAsync("author");
        var readers = new List<FaultUser>();
        for (var i = 0; i < 2; i++)
        {
            var reader = await api.Http.RegisterAsync("reader");
            await api.Http.FollowAsync(reader, author.UserId);
            Assert.Equal(HttpStatusCode.OK, (await api.Http.ReadTimelineAsync(reader)).Status);
            readers.Add(reader);
        }

        var loop = new StoreOutageLoop();
        using var stop = new CancellationTokenSource();
        var posting = loop.PostUntilAsync(api.Http, author, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        var outage = Stopwatch.StartNew();
        await servers.StopPostgresAsync();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await servers.StartPostgresAsync();
        output.WriteLine($"PostgreSQL was down for {outage.Elapsed.TotalSeconds:F1} s");
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await posting;

        output.WriteLine($"{loop.Requests} posts sent, {loop.Created.Count} acknowledged (201), {loop.Unavailable} answered 503");
        Assert.Empty(loop.Failures);
        Assert.NotEmpty(loop.Created);

        var created = loop.Created.ToHashSet();
        foreach (var postId in created)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync($"/api/posts/{postId}", TestContext.Current.CancellationToken)).StatusCode);
        }

        await WaitForOutboxAsync(database);
        foreach (var reader in readers)
        {
            var (status, timeline) = await api.Http.ReadTimelineAsync(reader);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Subset(timeline.ToHashSet(), created);
            Assert.Equal(timeline.Count, timeline.Distinct().Count());
        }
    }

    private static async Task WaitForOutboxAsync(string database)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox", connection);
            if ((long)(await count.ExecuteScalarAsync())! == 0)
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "The outbox was not delivered after the restart.");
            await Task.Delay(50);
        }
    }
}
