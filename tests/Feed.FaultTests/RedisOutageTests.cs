using System.Net;

namespace Feed.FaultTests;

/// <summary>
/// Redis stopped and started again (empty) while readers read and an author posts: no request fails,
/// and right afterwards every timeline holds every post, once, newest first.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class RedisOutageTests(FaultServers servers, ITestOutputHelper output)
{
    [Fact]
    public async Task Redis_stopped_and_started_during_reads_and_writes_gives_no_error_and_every_timeline_is_right_afterwards()
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        var database = await servers.CreateDatabaseAsync("redis");
        await using var api = await ApiProcess.StartAsync(ApiProcess.Settings(servers, database));
        var author = await api.Http.RegisterAsync("author");
        var readers = new List<FaultUser>();
        for (var i = 0; i < 3; i++)
        {
            var reader = await api.Http.RegisterAsync("reader");
            await api.Http.FollowAsync(reader, author.UserId);
            readers.Add(reader);
        }

        var loop = new StoreOutageLoop();
        using var stop = new CancellationTokenSource();
        var traffic = readers.Select(reader => loop.ReadUntilAsync(api.Http, reader, stop.Token))
            .Append(loop.PostUntilAsync(api.Http, author, stop.Token))
            .ToList();
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        await servers.StopRedisAsync();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await servers.StartRedisAsync();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(traffic);

        output.WriteLine($"{loop.Requests} requests, {loop.Created.Count} posts, {loop.Unavailable} answered 503");
        Assert.Empty(loop.Failures);
        Assert.Equal(0, loop.Unavailable);
        Assert.NotEmpty(loop.Created);

        await FaultDatabase.WaitAsync(database, "SELECT count(*) = 0 FROM outbox", TimeSpan.FromSeconds(90));
        var newestFirst = loop.Created.Reverse().ToList();
        foreach (var reader in readers)
        {
            var (status, timeline) = await api.Http.ReadTimelineAsync(reader);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(newestFirst, timeline);
        }
    }
}
