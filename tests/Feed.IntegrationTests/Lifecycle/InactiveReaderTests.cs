using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Timeline;
using Feed.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Feed.IntegrationTests.Lifecycle;

/// <summary>
/// Time travel through the real host: its clock is a <see cref="FakeTimeProvider"/>, and a reader who
/// has not read for <c>Feed:Timeline:InactiveAfter</c> (15 minutes here) is skipped by fan-out and
/// rebuilt from the graph on their next read. Everyone registers before the clock moves, so their
/// tokens stay valid by either clock.
/// </summary>
public sealed class InactiveReaderTests
{
    private static readonly TimeSpan InactiveAfter = TimeSpan.FromMinutes(15);

    private static List<Guid> NewestFirst(IEnumerable<JsonObject> posts) =>
        PageOrder.NewestFirst(posts, post => post.UtcTimestamp("created_on"), post => post.Id("post_id")).Select(post => post.Id("post_id")).ToList();

    [Fact]
    public async Task An_inactive_reader_s_timeline_is_rebuilt_from_the_graph_as_it_is_now_on_the_next_read()
    {
        // Each reading of the clock moves it a millisecond on, so that announcements keep their order.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        await using var factory = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Timeline:InactiveAfter"] = "00:15:00" });
        await using var host = factory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));

        var reader = await LifecycleApi.RegisterOnAsync(host);
        var ordinary = await LifecycleApi.RegisterOnAsync(host);
        var rising = await LifecycleApi.RegisterOnAsync(host);
        var followedLater = await LifecycleApi.RegisterOnAsync(host);
        var unfollowedLater = await LifecycleApi.RegisterOnAsync(host);
        var fans = new[] { await LifecycleApi.RegisterOnAsync(host), await LifecycleApi.RegisterOnAsync(host), await LifecycleApi.RegisterOnAsync(host) };

        foreach (var followee in new[] { ordinary, rising, unfollowedLater })
        {
            await reader.FollowAsync(followee);
        }

        _ = await reader.TimelinePageNowAsync(1);
        var deletedLater = await ordinary.CreatePostAsync();
        var visible = new List<JsonObject> { await rising.CreatePostAsync() };
        await unfollowedLater.CreatePostAsync();
        Assert.Equal(3, (await reader.WholeTimelineAsync(limit: 2)).Count);

        // Inactive: while away, the graph and the posts change in every way.
        clock.Advance(InactiveAfter + TimeSpan.FromMinutes(1));
        visible.Add(await ordinary.CreatePostAsync());
        visible.Add(await rising.CreatePostAsync());
        foreach (var fan in fans)
        {
            await fan.FollowAsync(rising);
        }

        await host.WhenOutboxIdleAsync();
        visible.Add(await rising.CreatePostAsync("video")); // pulled: rising is an influencer now
        visible.Add(await followedLater.CreatePostAsync());
        await reader.FollowAsync(followedLater);
        await reader.UnfollowAsync(unfollowedLater);
        await unfollowedLater.CreatePostAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await ordinary.DeletePostAsync(deletedLater.Id("post_id"))).StatusCode);

        // The next read rebuilds first: exactly the posts of the authors followed now, once each.
        for (var limit = 1; limit <= 3; limit++)
        {
            Assert.Equal(NewestFirst(visible), await reader.WholeTimelineAsync(limit));
        }

        // Active again: new posts are pushed as usual.
        visible.Add(await ordinary.CreatePostAsync());
        Assert.Equal(NewestFirst(visible), await reader.WholeTimelineAsync(limit: 4));

        // Away once more: a second rebuild over rows that are already there duplicates nothing.
        clock.Advance(InactiveAfter + TimeSpan.FromMinutes(1));
        visible.Add(await followedLater.CreatePostAsync());
        Assert.Equal(NewestFirst(visible), await reader.WholeTimelineAsync(limit: 2));
    }
}
