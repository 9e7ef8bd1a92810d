using System.ComponentModel.DataAnnotations;

namespace Feed.Timeline;

/// <summary>Timeline tuning (<c>Feed:Timeline</c>), checked at start-up.</summary>
internal sealed class TimelineOptions
{
    public const string SectionName = "Feed:Timeline";

    /// <summary>How many pulled influencers share one store read at timeline read time.</summary>
    [Range(1, 1000)]
    public int InfluencerGroupSize { get; set; } = 3;

    /// <summary>How many posts per influencer the first read of a page asks for.</summary>
    [Range(1, 1000)]
    public int PostsPerInfluencer { get; set; } = 5;

    /// <summary>How many followers one fan-out step reads and writes rows for.</summary>
    [Range(1, 10000)]
    public int FanOutBatchSize { get; set; } = 1000;
}
