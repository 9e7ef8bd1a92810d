using Feed.Demo;
using Feed.Demo.Graph;
using Feed.Social.Follows.FollowUser;
using Feed.Social.Posts.CreatePost;
using Feed.Users.Registration.RegisterUser;
using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Api.Demo;

/// <summary>
/// Plays a generated graph through the modules' own commands, as people would: registrations, follows
/// (influencers are promoted by the service), then posts oldest first (fanned out or pulled by the service).
/// Runs in the background after start-up; the log tells its progress and the demo login.
/// </summary>
internal sealed partial class InMemoryDemoSeeder(IServiceScopeFactory scopes, IOptions<DemoOptions> options, ILogger<InMemoryDemoSeeder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var demo = options.Value;
        var graph = SocialGraph.Generate(DemoGraph.ForUsers(demo.Users) with { Seed = demo.Seed }, DateTimeOffset.UtcNow);
        LogStarted(logger, graph.UserCount, graph.Follows.Length, graph.Posts.Length);
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();

        var ids = new Guid[graph.UserCount];
        for (var user = 0; user < graph.UserCount; user++)
        {
            var username = SocialGraph.Username(user);
            var profile = await sender.Send(new RegisterUser(username, "User", $"No. {user}", $"{username}@demo.example", GraphSeeder.DemoPassword), stoppingToken);
            ids[user] = profile.UserId;
        }

        LogStep(logger, "users");
        foreach (var follow in graph.Follows)
        {
            await sender.Send(new FollowUser(ids[SocialGraph.Follower(follow)], ids[SocialGraph.Followee(follow)]), stoppingToken);
        }

        LogStep(logger, "follows");
        foreach (var post in graph.Posts.OrderBy(static post => post.CreatedOnMs))
        {
            await sender.Send(new CreatePost(ids[post.Author], DemoSeed.PostUrl(post, demo.ImageBaseUrl), post.PostType), stoppingToken);
        }

        LogStep(logger, "posts");
        var login = DemoSeed.DemoLogin(graph);
        LogDone(logger, login);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: seeding {Users} users, {Follows} follows, {Posts} posts into the in-memory store")]
    private static partial void LogStarted(ILogger logger, int users, int follows, int posts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {What} seeded")]
    private static partial void LogStep(ILogger logger, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data ready. {Login}")]
    private static partial void LogDone(ILogger logger, string login);
}
