namespace Feed.Demo.Graph;

/// <summary>
/// The shape of a synthetic social graph. The same spec and seed always give the same graph
/// (ids, follows, posts, timestamps relative to the anchor), so runs can be compared.
/// </summary>
public sealed record GraphSpec
{
    public int Seed { get; init; } = 20240501;

    /// <summary>All accounts, including the special ones below.</summary>
    public int Users { get; init; } = 120_000;

    /// <summary>Exponent of the follower-count power law, P(followers ≥ x) ∝ x^-(α-1).</summary>
    public double PowerLawExponent { get; init; } = 2.3;

    /// <summary>The smallest follower count an ordinary account draws (the law's x_min).</summary>
    public int MinFollowers { get; init; } = 1;

    /// <summary>The handful of accounts with very large audiences (flagged influencers).</summary>
    public int Influencers { get; init; } = 24;

    /// <summary>Influencer audiences are drawn from the same power law's tail, between these sizes.</summary>
    public int InfluencerAudienceMin { get; init; } = 10_000;

    public int InfluencerAudienceMax { get; init; } = 100_000;

    /// <summary>Followers of the fan-out probe: an ordinary (pushed) author.</summary>
    public int FanOutFollowers { get; init; } = 100_000;

    /// <summary>Followers of the two influencer probes (pulled authors).</summary>
    public int SmallInfluencerFollowers { get; init; } = 1_000;

    public int LargeInfluencerFollowers { get; init; } = 100_000;

    /// <summary>Readers: accounts following <see cref="ReaderOrdinaryFollows"/> posting accounts and <see cref="ReaderInfluencerFollows"/> influencers.</summary>
    public int Readers { get; init; } = 1_000;

    public int ReaderOrdinaryFollows { get; init; } = 200;

    public int ReaderInfluencerFollows { get; init; } = 20;

    /// <summary>Ordinary accounts with recent posts, among which readers pick whom they follow.</summary>
    public int Posters { get; init; } = 2_000;

    /// <summary>Recent posts of each poster (pushed: one timeline row per follower each).</summary>
    public int PostsPerPoster { get; init; } = 4;

    /// <summary>Recent posts of each influencer and influencer probe (pulled: one influencer_posts row each).</summary>
    public int PostsPerInfluencer { get; init; } = 30;

    /// <summary>Follower count from which a power-law account is flagged an influencer (the service's default threshold).</summary>
    public int InfluencerThreshold { get; init; } = 10_000;

    /// <summary>Posts per day of an ordinary account and of an influencer, for the push-vs-hybrid count.</summary>
    public double OrdinaryPostsPerDay { get; init; } = 0.3;

    public double InfluencerPostsPerDay { get; init; } = 3;

    public void Validate()
    {
        var special = 3 + Influencers + Readers + Posters;
        if (special >= Users)
        {
            throw new ArgumentException($"{Users} users cannot hold {special} special accounts.");
        }

        foreach (var (name, audience) in new[]
                 {
                     ("fan-out followers", FanOutFollowers), ("small influencer followers", SmallInfluencerFollowers),
                     ("large influencer followers", LargeInfluencerFollowers), ("influencer audience", InfluencerAudienceMax),
                 })
        {
            if (audience >= Users)
            {
                throw new ArgumentException($"The {name} ({audience}) must be fewer than the users ({Users}).");
            }
        }

        if (ReaderInfluencerFollows > Influencers || ReaderOrdinaryFollows > Posters)
        {
            throw new ArgumentException("Readers follow more influencers or posters than the graph has.");
        }
    }
}
