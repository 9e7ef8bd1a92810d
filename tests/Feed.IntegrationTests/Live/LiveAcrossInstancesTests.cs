using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.Testing;

namespace Feed.IntegrationTests.Live;

/// <summary>Two API instances on one PostgreSQL and one Redis: a stream open on one hears of posts made through the other (Redis pub/sub).</summary>
public sealed class LiveAcrossInstancesTests
{
    [Fact]
    public async Task A_post_made_through_one_instance_reaches_a_stream_open_on_the_other()
    {
        var settings = await FeedApiFactory.RealStoreSettingsAsync();
        await using var first = FeedApiFactory.WithSettings(settings);
        await using var second = FeedApiFactory.WithSettings(settings);
        var reader = await first.RegisterAsync();
        var author = await second.RegisterAsync();
        await reader.FollowAsync(author);
        await second.WhenOutboxIdleAsync();
        await first.WhenOutboxIdleAsync();
        await using var stream = await reader.OpenStreamAsync(first);

        var post = await author.CreatePostAsync();

        var added = await stream.NextEventAsync();
        Assert.Equal(("post-added", post["post_id"]!.GetValue<string>()), (added.Type, added.PostId));
    }

    [Fact]
    public async Task A_stream_whose_instance_lost_Redis_for_a_while_is_told_to_refetch()
    {
        var settings = await FeedApiFactory.RealStoreSettingsAsync();
        var name = $"feed-test-live-{Guid.NewGuid():N}";
        settings["ConnectionStrings:Redis"] = $"{TestServers.RedisServer},name={name}";
        await using var host = FeedApiFactory.WithSettings(settings);
        var reader = await host.RegisterAsync();
        await using var stream = await reader.OpenStreamAsync();

        // Posts published meanwhile never reach this instance (pub/sub keeps nothing): its streams must read again.
        await using (var admin = await TestServers.ConnectRedisAsync())
        {
            foreach (var server in admin.GetServers())
            {
                foreach (var client in (await server.ClientListAsync()).Where(client => client.Name == name))
                {
                    await server.ClientKillAsync(client.Id);
                }
            }
        }

        Assert.Equal("refetch", (await stream.NextEventAsync()).Type);
    }
}
