using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Feed.Timeline;

/// <summary>Timeline tuning (<c>Feed:Timeline</c>), checked at start-up.</summary>
internal sealed class TimelineOptions
{
    public const string SectionName = "Feed:Timeline";
    public const string RedisConnectionStringName = "Redis";

    /// <summary>How many pulled influencers share one store read at timeline read time.</summary>
    [Range(1, 1000)]
    public int InfluencerGroupSize { get; set; } = 3;

    /// <summary>How many posts per influencer the first read of a page asks for.</summary>
    [Range(1, 1000)]
    public int PostsPerInfluencer { get; set; } = 5;

    /// <summary>
    /// How many followers one fan-out step reads and writes rows for. Large steps amortize each
    /// statement's fixed cost (figures in docs/performance.md); a crash repeats at most
    /// <see cref="FanOutConcurrency"/> steps.
    /// </summary>
    [Range(1, 10000)]
    public int FanOutBatchSize { get; set; } = 5000;

    /// <summary>Follower batches one fan-out writes at the same time (each to the store, then the cache).</summary>
    [Range(1, 64)]
    public int FanOutConcurrency { get; set; } = 4;

    /// <summary>The timeline cache in front of the store; chosen once, at start-up.</summary>
    public TimelineCacheProvider Cache { get; set; } = TimelineCacheProvider.None;

    /// <summary>Newest entries kept per cached timeline (and per influencer's cached posts).</summary>
    [Range(1, 10000)]
    public int CacheSize { get; set; } = 800;

    /// <summary>
    /// Influencers whose newest cached posts each process keeps in memory, checked against Redis on
    /// every read (one MGET of change tokens) instead of read from it; 0 keeps none. Each copy holds a list's
    /// newest 64 entries, about 3 KB: 30 MB per process at the default.
    /// </summary>
    [Range(0, 1_000_000)]
    public int KeptInfluencerLists { get; set; } = 10_000;

    /// <summary>
    /// Readers whose cached state (followees, pulled followees) each process keeps in memory, checked
    /// against Redis on every read by its fill stamp instead of read whole; 0 keeps none.
    /// </summary>
    [Range(0, 10_000_000)]
    public int KeptReaderStates { get; set; } = 20_000;

    /// <summary>
    /// Posts whose details (with the author's username) each process keeps in memory, so that a page of
    /// kept posts is hydrated with no second round trip; deletions reach every process through a stream
    /// read in the first one. 0 keeps none.
    /// </summary>
    [Range(0, 10_000_000)]
    public int KeptPosts { get; set; } = 100_000;

    /// <summary>Prefix of every cache key, so that several deployments (or tests) can share one Redis.</summary>
    [Required(AllowEmptyStrings = true)]
    public string CacheKeyPrefix { get; set; } = "feed:";

    /// <summary><c>ConnectionStrings:Redis</c>; required when <see cref="Cache"/> is Redis.</summary>
    public string? RedisConnectionString { get; set; }
}

internal enum TimelineCacheProvider
{
    /// <summary>No cache: every read goes to the store.</summary>
    None,

    /// <summary>Redis sorted sets (StackExchange.Redis) in front of the store.</summary>
    Redis,
}

/// <summary>Stops start-up with a message naming the missing setting.</summary>
internal sealed class TimelineOptionsValidator : IValidateOptions<TimelineOptions>
{
    public ValidateOptionsResult Validate(string? name, TimelineOptions options)
    {
        if (options.Cache != TimelineCacheProvider.Redis)
        {
            return ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.RedisConnectionString))
        {
            return ValidateOptionsResult.Fail(
                "Feed:Timeline:Cache is Redis but ConnectionStrings:Redis is not set (environment variable ConnectionStrings__Redis).");
        }

        // One server or several nodes of a cluster; a string the client cannot read is a start-up error, not a first request's.
        try
        {
            return ConfigurationOptions.Parse(options.RedisConnectionString).EndPoints.Count > 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("ConnectionStrings:Redis names no server (expected host:port, or several separated by commas for a cluster).");
        }
        catch (ArgumentException exception)
        {
            return ValidateOptionsResult.Fail($"ConnectionStrings:Redis is not a valid Redis connection string: {exception.Message}");
        }
    }
}
