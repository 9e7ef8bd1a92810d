using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Timeline;
using Feed.Testing;
using StackExchange.Redis;

namespace Feed.IntegrationTests.Durability;

/// <summary>
/// A master of the Redis Cluster dies (<c>kill -9</c>) while timelines are read and posts are fanned
/// out: the cluster promotes its replica, requests meanwhile fall back to PostgreSQL (no 5xx), and
/// afterwards every timeline holds every post that got a 201, once, in order. Runs only in
/// build/test.sh's failover step (<c>FEED_REDIS_FAILOVER=1</c>), on a cluster of its own: it kills a node.
/// </summary>
public sealed class RedisFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_master_killed_under_load_loses_no_post_and_fails_no_request()
    {
        Assert.SkipUnless(
            Environment.GetEnvironmentVariable("FEED_REDIS_FAILOVER") == "1" && FeedApiFactory.OnRealStores,
            "Runs in build/test.sh's failover step only: it kills a node of the Redis Cluster.");
        var clusterDirectory = Environment.GetEnvironmentVariable("FEED_REDIS_CLUSTER_DIR")!;

        var settings = await FeedApiFactory.RealStoreSettingsAsync();
        await using var host = FeedApiFactory.WithSettings(settings);
        var authors = new List<FeedUser>();
        for (var i = 0; i < 3; i++)
        {
            authors.Add(await host.RegisterAsync());
        }

        var readers = new List<FeedUser>();
        for (var i = 0; i < 12; i++)
        {
            var reader = await host.RegisterAsync();
            foreach (var author in authors)
            {
                await reader.FollowAsync(author);
            }

            readers.Add(reader);
        }

        // The influencer threshold is 3: every author is pulled, and the fourth author is pushed to a few.
        var pushed = await host.RegisterAsync();
        foreach (var reader in readers.Take(2))
        {
            await reader.FollowAsync(pushed);
        }

        authors.Add(pushed);
        var created = new List<(FeedUser Author, JsonObject Post)>();
        foreach (var author in authors)
        {
            created.Add((author, await author.CreatePostAsync()));
        }

        foreach (var reader in readers)
        {
            await reader.ReadWholeTimelineAsync(limit: 5); // every cache warm before the failure
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(settings["ConnectionStrings:Redis"] + ",allowAdmin=true");
        var victim = redis.GetServers().First(server => !server.IsReplica && server.IsConnected);
        var victimPort = ((IPEndPoint)victim.EndPoint).Port;
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        var killed = false;
        var round = 0;
        while (clock.Elapsed < Patience.Timeout)
        {
            var author = authors[round % authors.Count];
            var posted = await author.Http.PostAsync(new { post_url = $"https://cdn.example.com/{Guid.NewGuid():N}.jpg", post_type = "image" });
            if (posted.StatusCode == HttpStatusCode.Created)
            {
                created.Add((author, await posted.ReadJsonAsync()));
            }
            else
            {
                failures.Add($"post: {(int)posted.StatusCode}");
            }

            foreach (var reader in readers.Where((_, index) => index % 3 == round % 3))
            {
                var read = await reader.Http.GetTimelineAsync("?limit=5");
                if (read.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"read: {(int)read.StatusCode}");
                }
            }

            round++;
            if (!killed && round == 10)
            {
                var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(clusterDirectory, victimPort.ToString(CultureInfo.InvariantCulture), "redis.pid"), Ct), CultureInfo.InvariantCulture);
                Process.GetProcessById(pid).Kill();
                killed = true;
            }
            else if (killed && round > 20 && await FailedOverAsync(redis, victimPort))
            {
                break;
            }
        }

        Assert.True(killed);
        Assert.True(await FailedOverAsync(redis, victimPort), $"the cluster did not promote a replica within {Patience.Timeout.TotalSeconds:0} s (FEED_TEST_PATIENCE_SECONDS)");
        Assert.Empty(failures);

        // After the failover: every reader's timeline is every post of their followees, once, newest first.
        await host.WhenOutboxIdleAsync();
        foreach (var reader in readers)
        {
            var follows = readers.IndexOf(reader) < 2 ? authors : authors.Take(3).ToList();
            var expected = created.Where(post => follows.Contains(post.Author)).Select(post => post.Post)
                .OrderByDescending(post => post["created_on"]!.GetValue<DateTimeOffset>())
                .ThenByDescending(post => Guid.Parse(post["post_id"]!.GetValue<string>()))
                .Select(post => post["post_id"]!.GetValue<string>())
                .ToList();
            var timeline = (await reader.ReadWholeTimelineAsync(limit: 7)).Select(item => item["post_id"]!.GetValue<string>()).ToList();
            Assert.Equal(expected, timeline);
        }
    }

    /// <summary>True once the cluster marks the killed master failed and is whole again (a replica promoted in its place).</summary>
    private static async Task<bool> FailedOverAsync(ConnectionMultiplexer redis, int killedPort)
    {
        foreach (var server in redis.GetServers().Where(server => ((IPEndPoint)server.EndPoint).Port != killedPort))
        {
            try
            {
                var nodes = (string?)await server.ExecuteAsync("CLUSTER", "NODES") ?? string.Empty;
                var info = (string?)await server.ExecuteAsync("CLUSTER", "INFO") ?? string.Empty;
                var killed = nodes.Split('\n').FirstOrDefault(line => line.Contains($":{killedPort}@", StringComparison.Ordinal)) ?? string.Empty;
                // Flags "master,fail" (not "fail?", a suspicion only), and every slot served again.
                return killed.Contains(",fail ", StringComparison.Ordinal) && info.Contains("cluster_state:ok", StringComparison.Ordinal);
            }
            catch (RedisException)
            {
                // This node cannot answer (yet): ask the next.
            }
        }

        return false;
    }
}
