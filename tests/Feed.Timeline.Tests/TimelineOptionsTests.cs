using Feed.Testing;
using Feed.Timeline.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

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
        Assert.Equal(5000, options.FanOutBatchSize);
        Assert.Equal(4, options.FanOutConcurrency);
        Assert.Equal(TimelineCacheProvider.None, options.Cache);
        Assert.Equal(800, options.CacheSize);
        Assert.Equal("feed:", options.CacheKeyPrefix);
    }

    [Fact]
    public void Without_a_cache_configured_there_is_none_and_no_redis_connection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([]).Build();
        var services = new ServiceCollection().AddTimeline(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<NoTimelineCache>(provider.GetRequiredService<ITimelineCache>());
        Assert.DoesNotContain(services, service => service.ServiceType == typeof(IConnectionMultiplexer));
    }

    [Theory]
    [InlineData("Feed:Timeline:FanOutConcurrency", "0")]
    public void Out_of_range_tuning_stops_start_up_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [key] = value }));

        Assert.Contains(key[(key.LastIndexOf(':') + 1)..], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,abortConnect=perhaps")]
    [InlineData(",,,")]
    public void An_unreadable_redis_connection_string_stops_start_up_naming_the_setting(string connectionString)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Feed:Timeline:Cache"] = "Redis", ["ConnectionStrings:Redis"] = connectionString }));

        Assert.Contains("ConnectionStrings:Redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redis_cache_without_a_connection_string_stops_start_up_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Feed:Timeline:Cache"] = "Redis" }));

        Assert.Contains("ConnectionStrings:Redis", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redis_cache_uses_one_shared_connection_and_the_cache_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feed:Timeline:Cache"] = "Redis",
            ["Feed:Timeline:CacheSize"] = "25",
            ["Feed:Timeline:CacheKeyPrefix"] = "tenant-a:",
            ["ConnectionStrings:Redis"] = TestServers.RedisServer,
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddTimeline(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<TimelineOptions>>().Value;
        var cache = Assert.IsType<RedisTimelineCache>(provider.GetRequiredService<ITimelineCache>());
        var connection = provider.GetRequiredService<IConnectionMultiplexer>();

        Assert.Equal((TimelineCacheProvider.Redis, 25, "tenant-a:", TestServers.RedisServer), (options.Cache, options.CacheSize, options.CacheKeyPrefix, options.RedisConnectionString));
        Assert.Equal(25, cache.Capacity);
        Assert.Same(connection, provider.GetRequiredService<IConnectionMultiplexer>());
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public async Task The_service_starts_while_redis_is_down()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feed:Timeline:Cache"] = "Redis",
            ["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=500",
        }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddTimeline(configuration).BuildServiceProvider();

        var cache = provider.GetRequiredService<ITimelineCache>();
        var read = await cache.ReadAsync(CachedList.Timeline, [Guid.NewGuid()], null, 10, TestContext.Current.CancellationToken);

        Assert.False(provider.GetRequiredService<IConnectionMultiplexer>().IsConnected);
        Assert.Empty(read.Hits);
        Assert.Null(read.Fill);
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
    [InlineData("CacheSize", "0")]
    [InlineData("CacheSize", "10001")]
    public void Out_of_range_values_are_rejected(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { [$"Feed:Timeline:{key}"] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
