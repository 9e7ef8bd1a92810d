using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feed.Demo;
using Feed.Demo.Graph;
using Feed.IntegrationTests.Infrastructure;
using Feed.Testing;
using Microsoft.Extensions.Configuration;

namespace Feed.IntegrationTests.WebClient;

/// <summary>Demo data: the <c>seed</c> command fills PostgreSQL, <c>Feed:Demo</c> the in-memory store; either way the printed login reads a full timeline.</summary>
public sealed class DemoDataTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_seed_command_fills_postgres_and_its_demo_login_reads_a_timeline_with_influencer_posts()
    {
        var connectionString = await TestServers.CreatePostgresDatabaseAsync("demo");
        var settings = new Dictionary<string, string?>
        {
            ["Feed:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Feed:Users:InfluencerFollowerThreshold"] = "10000",
        };
        await using var api = FeedApiFactory.WithSettings(settings);
        api.CreateClient(); // the host creates the schema
        var output = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var exitCode = await DemoSeed.RunAsync(configuration, ["seed", "--users", "1000"], _ => Task.CompletedTask, output, Ct);

        Assert.Equal(0, exitCode);
        var login = output.ToString().Split('\n').Single(line => line.StartsWith("Demo login:", StringComparison.Ordinal));
        var items = await ReadTimelineAsync(api, login);
        Assert.Equal(20, items.Count);
        Assert.All(items, item => Assert.Contains("/demo/images/", item["post_url"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_demo_setting_fills_the_in_memory_store_at_start_up()
    {
        await using var api = FeedApiFactory.WithSettings(new Dictionary<string, string?>
        {
            ["Feed:Storage:Provider"] = "InMemory",
            ["Feed:Timeline:Cache"] = "None",
            ["Feed:Demo:Users"] = "1000",
        });
        var graph = SocialGraph.Generate(DemoGraph.ForUsers(1000), DateTimeOffset.UtcNow);
        var login = DemoSeed.DemoLogin(graph);
        var anonymous = api.CreateClient();

        // Seeded in the background after start-up: the last seeded post is the newest, so wait for a full timeline.
        List<JsonObject> items = [];
        await Patience.UntilAsync(
            async () => (await anonymous.PostAsJsonAsync("/api/auth/token", new { username = Username(login), password = GraphSeeder.DemoPassword }, Ct)).StatusCode == HttpStatusCode.OK
                        && (items = await ReadTimelineAsync(api, login)).Count == 20,
            "the demo login's timeline",
            Ct);
        Assert.Contains(items, item => item["post_url"]!.GetValue<string>().StartsWith("http://localhost:5080/demo/images/", StringComparison.Ordinal));
    }

    private static string Username(string login) => login.Split(' ')[3].TrimEnd(',');

    private static async Task<List<JsonObject>> ReadTimelineAsync(FeedApiFactory api, string login)
    {
        var client = api.CreateClient();
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { username = Username(login), password = GraphSeeder.DemoPassword }, Ct)).ReadJsonAsync();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token["access_token"]!.GetValue<string>());
        var page = await (await client.GetAsync(new Uri("/api/timeline?limit=20", UriKind.Relative), Ct)).ReadJsonAsync();
        return [.. page["items"]!.AsArray().Select(item => item!.AsObject())];
    }
}
