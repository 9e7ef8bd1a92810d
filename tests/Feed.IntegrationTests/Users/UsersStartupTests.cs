using Feed.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Feed.IntegrationTests.Users;

public sealed class UsersStartupTests
{
    [Theory]
    [InlineData("0", null)]
    [InlineData("3", "4")]
    [InlineData("3", "-1")]
    public async Task Invalid_influencer_thresholds_stop_the_host_at_start_up(string promotion, string? demotion)
    {
        await using var factory = FeedApiFactory.WithSettings(new Dictionary<string, string?>
        {
            // Only option validation is under test: no database to create on the real-store run.
            ["Feed:Storage:Provider"] = "InMemory",
            ["Feed:Users:InfluencerFollowerThreshold"] = promotion,
            ["Feed:Users:InfluencerDemotionFollowerThreshold"] = demotion,
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = failure as OptionsValidationException ?? Assert.IsType<OptionsValidationException>(failure.InnerException, exactMatch: false);
        Assert.Contains("Feed:Users:", validation.Message, StringComparison.Ordinal);
    }
}
