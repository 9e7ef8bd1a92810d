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

        // The host may wrap the validation failure (e.g. in an AggregateException when it stops).
        var validation = Causes(failure).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, $"Start-up failed without an options validation error: {failure}");
        Assert.Contains("Feed:Users:", validation.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (var cause in inner.SelectMany(Causes))
        {
            yield return cause;
        }
    }
}
