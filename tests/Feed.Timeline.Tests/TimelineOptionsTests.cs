using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Tests;

public sealed class TimelineOptionsTests
{
    private static TimelineOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddTimeline(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TimelineOptions>>().Value;
    }

    [Fact]
    public void Defaults_apply_when_nothing_is_configured()
    {
        var options = Resolve([]);

        Assert.Equal(3, options.InfluencerGroupSize);
        Assert.Equal(5, options.PostsPerInfluencer);
        Assert.Equal(1000, options.FanOutBatchSize);
    }

    [Fact]
    public void Configured_values_bind_from_the_feed_timeline_section()
    {
        var options = Resolve(new()
        {
            ["Feed:Timeline:InfluencerGroupSize"] = "7",
            ["Feed:Timeline:PostsPerInfluencer"] = "2",
            ["Feed:Timeline:FanOutBatchSize"] = "50",
        });

        Assert.Equal((7, 2, 50), (options.InfluencerGroupSize, options.PostsPerInfluencer, options.FanOutBatchSize));
    }

    [Theory]
    [InlineData("InfluencerGroupSize", "0")]
    [InlineData("InfluencerGroupSize", "1001")]
    [InlineData("PostsPerInfluencer", "0")]
    [InlineData("PostsPerInfluencer", "1001")]
    [InlineData("FanOutBatchSize", "0")]
    [InlineData("FanOutBatchSize", "10001")]
    public void Out_of_range_values_are_rejected(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [$"Feed:Timeline:{key}"] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
