using System.Diagnostics;
using System.Net;

namespace Feed.FaultTests;

/// <summary>
/// <c>kill -9</c> in the middle of a fan-out to 2,000 followers: the restarted service finishes it
/// within the recovery bound, and every follower has the post exactly once.
/// </summary>
[Collection(FaultTestGroup.Name)]
public sealed class CrashRecoveryTests(FaultServers servers, ITestOutputHelper output)
{
    private const int Followers = 2000;
    private const int RealFollowers = 3;

    // The bound (resumed within 10 s of the service being back); finishing the rest of the
    // fan-out gets slack for CI's two shared cores. The measured figures are printed and recorded in
    // docs/reliability.md.
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_fan_out_killed_midway_is_finished_after_a_restart_once_per_follower_within_the_bound()
    {
        Assert.SkipUnless(FaultServers.Available, FaultServers.SkipReason);
        var database = await servers.CreateDatabaseAsync("crash");
        var settings = ApiProcess.Settings(servers, database);
        // Small batches make the fan-out long enough to be killed in the middle of it.
        settings["Feed__Timeline__FanOutBatchSize"] = "10";
        settings["Feed__Timeline__FanOutConcurrency"] = "1";

        FaultUser author;
        List<FaultUser> readers = [];
        Guid postId;
        long rowsAtKill;
        var sinceKill = new Stopwatch();
        await using (var first = await ApiProcess.StartAsync(settings))
        {
            author = await first.Http.RegisterAsync("author");
            for (var i = 0; i < RealFollowers; i++)
            {
                var reader = await first.Http.RegisterAsync("reader");
                await first.Http.FollowAsync(reader, author.UserId);
                Assert.Equal(HttpStatusCode.OK, (await first.Http.ReadTimelineAsync(reader)).Status); // an active reader
                readers.Add(reader);
            }

            await FaultDatabase.SeedFollowersAsync(database, author.UserId, Followers - RealFollowers);
            await FaultDatabase.WaitAsync(database, "SELECT count(*) = 0 FROM outbox", TimeSpan.FromSeconds(60));

            var (status, created, _) = await first.Http.PostAsync(author, 1);
            Assert.Equal(HttpStatusCode.Created, status);
            postId = created!.Value;
            // Killed as soon as the fan-out has begun writing rows: its claim on the message is held.
            await FaultDatabase.WaitAsync(database, $"SELECT count(*) > 0 FROM timeline WHERE post_id = '{postId}'", TimeSpan.FromSeconds(30));
            await first.KillAsync();
            sinceKill.Start();
            rowsAtKill = await FaultDatabase.ScalarAsync<long>(database, $"SELECT count(*) FROM timeline WHERE post_id = '{postId}'");
        }

        output.WriteLine($"killed with {rowsAtKill} of {Followers} followers delivered");
        Assert.InRange(rowsAtKill, 1, Followers - 1);

        await using var second = await ApiProcess.StartAsync(settings);
        var sinceBack = Stopwatch.StartNew();
        // Resumed: the first row written after the kill (nothing wrote any while no service ran).
        await FaultDatabase.WaitAsync(database, $"SELECT count(*) > {rowsAtKill} FROM timeline WHERE post_id = '{postId}'", RecoveryBound + Slack + TimeSpan.FromSeconds(30));
        var resumed = sinceBack.Elapsed;
        await FaultDatabase.WaitAsync(database, $"SELECT count(*) = {Followers} FROM timeline WHERE post_id = '{postId}'", RecoveryBound + Slack + TimeSpan.FromSeconds(30));
        var recovered = sinceBack.Elapsed;
        output.WriteLine(
            $"the fan-out resumed {resumed.TotalSeconds:F1} s after the restarted service was healthy; every follower had the post {recovered.TotalSeconds:F1} s after it, {sinceKill.Elapsed.TotalSeconds:F1} s after the kill");

        // The bound is on resuming, and a lease of 5 s leaves room enough for it without slack.
        Assert.True(resumed <= RecoveryBound, $"The fan-out resumed {resumed.TotalSeconds:F1} s after the restart (bound {RecoveryBound.TotalSeconds} s).");
        Assert.True(recovered <= RecoveryBound + Slack, $"The fan-out finished {recovered.TotalSeconds:F1} s after the restart (bound {RecoveryBound.TotalSeconds} s + {Slack.TotalSeconds} s slack).");
        Assert.Equal(Followers, await FaultDatabase.ScalarAsync<long>(database, $"SELECT count(DISTINCT user_id) FROM timeline WHERE post_id = '{postId}'"));
        Assert.Equal(0, await FaultDatabase.ScalarAsync<long>(
            database,
            $"SELECT count(*) FROM followers f WHERE f.followee_id = '{author.UserId}' AND NOT EXISTS (SELECT 1 FROM timeline t WHERE t.user_id = f.follower_id AND t.post_id = '{postId}')"));
        foreach (var reader in readers)
        {
            var (status, timeline) = await second.Http.ReadTimelineAsync(reader);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(1, timeline.Count(id => id == postId));
        }

        await FaultDatabase.WaitAsync(database, "SELECT count(*) = 0 FROM outbox", TimeSpan.FromSeconds(30));
    }
}
