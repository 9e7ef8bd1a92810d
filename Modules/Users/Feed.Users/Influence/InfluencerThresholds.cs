namespace Feed.Users.Influence;

/// <summary>
/// When an account is an influencer: promoted on reaching <see cref="Promotion"/> followers, demoted
/// on falling below <see cref="Demotion"/>. Between the two the status stays as it is (hysteresis).
/// </summary>
internal sealed record InfluencerThresholds(long Promotion, long Demotion)
{
    public bool StatusFor(bool isInfluencer, long followerCount) =>
        isInfluencer ? followerCount >= Demotion : followerCount >= Promotion;
}
