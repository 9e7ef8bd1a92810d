using System.ComponentModel.DataAnnotations;
using Feed.Users.Influence;

namespace Feed.Users;

/// <summary>
/// Users module settings (<c>Feed:Users</c>). An account becomes an influencer at
/// <see cref="InfluencerFollowerThreshold"/> followers and stops being one below the demotion
/// threshold; the gap between the two keeps an account near the line from flipping back and forth
/// (each flip switches its posts between push and pull).
/// </summary>
internal sealed class UsersOptions : IValidatableObject
{
    public const string SectionName = "Feed:Users";

    [Range(1L, long.MaxValue, ErrorMessage = "Feed:Users:InfluencerFollowerThreshold must be at least 1.")]
    public long InfluencerFollowerThreshold { get; set; } = 10_000;

    /// <summary>When not configured: 90% of the promotion threshold, rounded down.</summary>
    public long? InfluencerDemotionFollowerThreshold { get; set; }

    public long EffectiveDemotionFollowerThreshold =>
        InfluencerDemotionFollowerThreshold ?? (long)decimal.Floor(InfluencerFollowerThreshold * 0.9m);

    public InfluencerThresholds ToThresholds() => new(InfluencerFollowerThreshold, EffectiveDemotionFollowerThreshold);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (InfluencerDemotionFollowerThreshold is < 0)
        {
            yield return new ValidationResult(
                "Feed:Users:InfluencerDemotionFollowerThreshold must not be negative.",
                [nameof(InfluencerDemotionFollowerThreshold)]);
        }

        if (EffectiveDemotionFollowerThreshold > InfluencerFollowerThreshold)
        {
            yield return new ValidationResult(
                "Feed:Users:InfluencerDemotionFollowerThreshold must not exceed Feed:Users:InfluencerFollowerThreshold.",
                [nameof(InfluencerDemotionFollowerThreshold)]);
        }
    }
}
