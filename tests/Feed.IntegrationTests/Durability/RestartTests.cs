using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Timeline;

namespace Feed.IntegrationTests.Durability;

/// <summary>
/// PostgreSQL is the durable store: a host stopped and started again on the same database serves
/// the same users, follows and timelines (pushed rows and pulled influencer posts alike).
/// </summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_restarted_service_on_the_same_database_serves_the_same_timelines()
    {
        var settings = await FeedApiFactory.RealStoreSettingsAsync();
        List<string> before;
        Guid readerId;
        string readerName;
        await using (var first = FeedApiFactory.WithSettings(settings))
        {
            var reader = await first.RegisterAsync();
            var author = await first.RegisterAsync();
            var influencer = await first.RegisterAsync();
            await reader.FollowAsync(author);
            await reader.FollowAsync(influencer);
            foreach (var extra in new[] { await first.RegisterAsync(), await first.RegisterAsync() })
            {
                await extra.FollowAsync(influencer); // three followers: the influencer threshold in tests
            }

            Assert.True(await first.IsInfluencerAsync(influencer));
            for (var i = 0; i < 4; i++)
            {
                await author.CreatePostAsync();
                await influencer.CreatePostAsync("video");
            }

            before = PostIds(await reader.ReadWholeTimelineAsync(limit: 3));
            (readerId, readerName) = (reader.UserId, reader.Username);
        }

        Assert.Equal(8, before.Count);
        await using var second = FeedApiFactory.WithSettings(settings);
        var again = await second.LoginAsync(readerId, readerName);

        Assert.Equal(before, PostIds(await again.ReadWholeTimelineAsync(limit: 3)));
    }

    private static List<string> PostIds(List<System.Text.Json.Nodes.JsonObject> items) =>
        items.Select(item => item["post_id"]!.GetValue<string>()).ToList();
}
