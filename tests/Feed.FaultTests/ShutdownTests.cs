using System.Net;
using Feed.Testing;

namespace Feed.FaultTests;

/// <summary>
/// SIGTERM in the middle of a fan-out to 5,000 followers: the service stops cleanly, having finished
/// the batch in hand and recorded its progress; started again, it finishes the fan-out, and every
/// follower has the post once.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class ShutdownTests(FaultServers servers, ITestOutputHelper output)
{
    private const int Followers = 5000;

    [Fact]
    public async Task SIGTERM_during_a_fan_out_stops_after_the_batch_in_hand_and_a_restart_finishes_it_once_per_follower()
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        var database = await servers.CreateDatabaseAsync("sigterm");
        var settings = ApiProcess.Settings(servers, database);
        // Small batches make the fan-out long enough to be stopped in the middle of it.
        settings["Feed__Timeline__FanOutBatchSize"] = "10";
        settings["Feed__Timeline__FanOutConcurrency"] = "2";
        settings["Feed__Shutdown__Timeout"] = "00:00:30";
        // The line saying the delivery stopped is at Information.
        settings["Logging__LogLevel__Feed.SharedKernel.Outbox"] = "Information";

        FaultUser author;
        FaultUser reader;
        Guid postId;
        long rowsAtExit;
        await using (var first = await ApiProcess.StartAsync(settings))
        {
            author = await first.Http.RegisterAsync("author");
            reader = await first.Http.RegisterAsync("reader");
            await first.Http.FollowAsync(reader, author.UserId);
            Assert.Equal(HttpStatusCode.OK, (await first.Http.ReadTimelineAsync(reader)).Status);
            await FaultDatabase.SeedFollowersAsync(database, author.UserId, Followers - 1);
            await FaultDatabase.WaitAsync(database, "SELECT count(*) = 0 FROM outbox", Patience.Timeout);

            var (status, created, _) = await first.Http.PostAsync(author, 1);
            Assert.Equal(HttpStatusCode.Created, status);
            postId = created!.Value;
            await FaultDatabase.WaitAsync(database, $"SELECT count(*) > 0 FROM timeline WHERE post_id = '{postId}'", Patience.Timeout);

            var exitCode = await first.TerminateAsync();
            rowsAtExit = await FaultDatabase.ScalarAsync<long>(database, $"SELECT count(*) FROM timeline WHERE post_id = '{postId}'");
            output.WriteLine($"stopped with {rowsAtExit} of {Followers} followers delivered; exit code {exitCode}");
            Assert.True(exitCode == 0, $"The API exited with {exitCode}:\n{first.Output}");
            Assert.Contains(first.Lines, line => line.Contains("stopped by the shutdown with its progress recorded", StringComparison.Ordinal));
            Assert.DoesNotContain(first.Lines, line => line.Contains("Exception", StringComparison.Ordinal));
        }

        // Stopped part-way, on a batch boundary: every row written is covered by the recorded progress.
        Assert.InRange(rowsAtExit, 1, Followers - 1);
        Assert.Equal(1, await FaultDatabase.ScalarAsync<long>(database, $"SELECT count(*) FROM timeline_fanout_progress WHERE post_id = '{postId}'"));
        Assert.Equal(1, await FaultDatabase.ScalarAsync<long>(database, "SELECT count(*) FROM outbox WHERE locked_until IS NULL"));

        await using var second = await ApiProcess.StartAsync(settings);
        await FaultDatabase.WaitAsync(database, "SELECT count(*) = 0 FROM outbox", Patience.Timeout);
        Assert.Equal(Followers, await FaultDatabase.ScalarAsync<long>(database, $"SELECT count(*) FROM timeline WHERE post_id = '{postId}'"));
        Assert.Equal(0, await FaultDatabase.ScalarAsync<long>(
            database,
            $"SELECT count(*) FROM followers f WHERE f.followee_id = '{author.UserId}' AND NOT EXISTS (SELECT 1 FROM timeline t WHERE t.user_id = f.follower_id AND t.post_id = '{postId}')"));
        var (readStatus, timeline) = await second.Http.ReadTimelineAsync(reader);
        Assert.Equal(HttpStatusCode.OK, readStatus);
        Assert.Equal([postId], timeline);
    }
}
