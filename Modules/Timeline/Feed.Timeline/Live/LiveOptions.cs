using System.ComponentModel.DataAnnotations;

namespace Feed.Timeline.Live;

/// <summary>The live timeline stream (<c>Feed:Live</c>), checked at start-up.</summary>
internal sealed class LiveOptions
{
    public const string SectionName = "Feed:Live";

    /// <summary>How often an idle stream sends a comment line, so that proxies and browsers keep it open.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Feed:Live:HeartbeatInterval must be between 00:00:01 and 00:05:00.")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events held for one client that reads slowly; past it the oldest go and the client is told to refetch.</summary>
    [Range(1, 10_000, ErrorMessage = "Feed:Live:ClientBufferSize must be between 1 and 10000.")]
    public int ClientBufferSize { get; set; } = 64;

    /// <summary>Streams one user may hold open on one instance (a page each); past it a new one is refused (429).</summary>
    [Range(1, 1_000, ErrorMessage = "Feed:Live:MaxStreamsPerUser must be between 1 and 1000.")]
    public int MaxStreamsPerUser { get; set; } = 10;

    /// <summary>How long a stream token opens a stream: just long enough for a page to connect with it.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Feed:Live:StreamTokenLifetime must be between 00:00:10 and 01:00:00.")]
    public TimeSpan StreamTokenLifetime { get; set; } = TimeSpan.FromMinutes(2);
}
