using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;

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
}
