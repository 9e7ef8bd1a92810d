namespace Feed.Demo.Graph;

/// <summary>The benchmark's graph, scaled down to a demo: a few influencers, a power law of followers, recent posts.</summary>
public static class DemoGraph
{
    public const int MinUsers = 1000;

    /// <summary>The benchmark's graph scaled down to <paramref name="users"/> accounts.</summary>
    public static GraphSpec ForUsers(int users)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, MinUsers);
        var posters = users / 20;
        return new GraphSpec
        {
            Users = users,
            Influencers = 10,
            InfluencerAudienceMin = users / 20,
            InfluencerAudienceMax = users / 2,
            FanOutFollowers = users / 2,
            SmallInfluencerFollowers = Math.Min(1000, users / 10),
            LargeInfluencerFollowers = users / 2,
            Readers = users / 100,
            Posters = posters,
            ReaderOrdinaryFollows = Math.Min(200, posters),
            ReaderInfluencerFollows = 10,
        };
    }
}
