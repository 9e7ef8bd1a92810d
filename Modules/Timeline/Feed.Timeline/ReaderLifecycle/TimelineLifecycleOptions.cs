using System.ComponentModel.DataAnnotations;

namespace Feed.Timeline.ReaderLifecycle;

/// <summary>
/// How timelines follow the graph (<c>Feed:Timeline</c>, beside <see cref="TimelineOptions"/>):
/// backfill depth and reader inactivity, checked at start-up.
/// </summary>
internal sealed class TimelineLifecycleOptions
{
    public const string SectionName = TimelineOptions.SectionName;

    /// <summary>How many of an author's newest posts a follow (or a rebuild) writes into the follower's timeline.</summary>
    [Range(1, 10_000)]
    public int BackfillSize { get; set; } = 100;

    /// <summary>A user who has not read their timeline for this long is skipped by fan-out; their next read rebuilds it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00", ParseLimitsInInvariantCulture = true, ConvertValueInInvariantCulture = true)]
    public TimeSpan InactiveAfter { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// The safety margin of the activity check: a read trusts a timeline without rebuilding it only if
    /// its last recorded read is at least this much younger than <see cref="InactiveAfter"/>, and it also
    /// records reads at most this often. A quarter of <see cref="InactiveAfter"/>, at most an hour.
    /// </summary>
    public TimeSpan ActivityMargin => TimeSpan.FromTicks(Math.Min(InactiveAfter.Ticks / 4, TimeSpan.TicksPerHour));
}
