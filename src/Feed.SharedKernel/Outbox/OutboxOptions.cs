using System.ComponentModel.DataAnnotations;

namespace Feed.SharedKernel.Outbox;

/// <summary>Outbox delivery settings (<c>Feed:Outbox</c>), checked at start-up.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Feed:Outbox";

    /// <summary>
    /// How long a claimed message stays reserved for its dispatcher without a renewal. The dispatcher
    /// renews it every third of this while the work is in hand, so a long fan-out keeps its claim, and a
    /// message held by a process that died (<c>kill -9</c>) is taken over at most this long after the
    /// last renewal. Shorter resumes sooner after a crash but costs one renewal statement per third;
    /// a dispatcher stalled for longer than this (a pause, a lost database) may see its message
    /// delivered twice, which idempotent handlers absorb.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Feed:Outbox:Lease must be between 00:00:01 and 00:10:00.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a held claim is renewed.</summary>
    public TimeSpan RenewEvery => Lease / 3;
}
