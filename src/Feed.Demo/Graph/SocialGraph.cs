namespace Feed.Demo.Graph;

/// <summary>A generated post: pushed (ordinary author) or pulled (influencer).</summary>
public readonly record struct SeedPost(Guid PostId, int Author, long CreatedOnMs, string PostType);

/// <summary>
/// A synthetic social graph, generated from a <see cref="GraphSpec"/> with one seeded random source:
/// the same spec gives the same users, follows and posts. Accounts are numbered; their roles sit in
/// fixed ranges: the three probes first, then the influencers, the readers, the posters and the rest.
/// <list type="bullet">
/// <item>ordinary accounts draw a follower count from a power law and are followed by that many
/// accounts picked uniformly (those that reach the influencer threshold are flagged influencers);</item>
/// <item>a handful of influencers draw their audience from the law's tail, between the spec's bounds;</item>
/// <item>the fan-out probe (ordinary) and the two influencer probes get audiences of exact sizes;</item>
/// <item>each reader follows a sample of the posters and of the influencers;</item>
/// <item>every user read their timeline within the last six hours (fan-out skips inactive readers,
/// and the benchmark measures a fan-out that reaches every follower).</item>
/// </list>
/// Follows are stored once per (followee, follower) pair, sorted by followee, so an account's
/// followers are one slice of <see cref="Follows"/>.
/// </summary>
public sealed class SocialGraph
{
    public const int FanOutAuthor = 0;
    public const int SmallInfluencer = 1;
    public const int LargeInfluencer = 2;
    private const int FirstInfluencer = 3;
    private const long DayMs = 24L * 60 * 60 * 1000;
    private static readonly string[] PostTypes = ["image", "video", "carousel"];

    private SocialGraph(GraphSpec spec, long anchorMs, Guid[] userIds, bool[] isInfluencer, long[] follows, long[] followedOnMs, int[] followerStart, SeedPost[] posts, long[] lastReadOnMs)
    {
        LastReadOnMs = lastReadOnMs;
        Spec = spec;
        AnchorMs = anchorMs;
        UserIds = userIds;
        IsInfluencer = isInfluencer;
        Follows = follows;
        FollowedOnMs = followedOnMs;
        FollowerStart = followerStart;
        Posts = posts;
    }

    public GraphSpec Spec { get; }

    /// <summary>Every generated timestamp is this instant (Unix ms) minus a seeded offset.</summary>
    public long AnchorMs { get; }

    public Guid[] UserIds { get; }

    public bool[] IsInfluencer { get; }

    /// <summary>Each follow packed as followee &lt;&lt; 32 | follower, sorted: one slice per followee.</summary>
    public long[] Follows { get; }

    /// <summary>When each follow of <see cref="Follows"/> was made (Unix ms).</summary>
    public long[] FollowedOnMs { get; }

    /// <summary>Offsets into <see cref="Follows"/>: followee i's follows are [FollowerStart[i], FollowerStart[i + 1]).</summary>
    public int[] FollowerStart { get; }

    public SeedPost[] Posts { get; }

    /// <summary>When each user last read their timeline (Unix ms): everyone within the last six hours, so fan-out skips no one.</summary>
    public long[] LastReadOnMs { get; }

    public int UserCount => UserIds.Length;

    public Range InfluencerRange => new(FirstInfluencer, FirstInfluencer + Spec.Influencers);

    public Range ReaderRange => new(InfluencerRange.End.Value, InfluencerRange.End.Value + Spec.Readers);

    public Range PosterRange => new(ReaderRange.End.Value, ReaderRange.End.Value + Spec.Posters);

    public static int Followee(long follow) => (int)(follow >> 32);

    public static int Follower(long follow) => (int)(follow & 0xFFFF_FFFF);

    public int FollowerCount(int user) => FollowerStart[user + 1] - FollowerStart[user];

    public ReadOnlySpan<long> FollowsOf(int followee) => Follows.AsSpan(FollowerStart[followee], FollowerCount(followee));

    public static string Username(int user) => $"bench_{user:D7}";

    /// <summary>Timeline rows the seeded posts imply: one per follower of each pushed post's author.</summary>
    public long TimelineRowCount()
    {
        long rows = 0;
        foreach (var post in Posts)
        {
            if (!IsInfluencer[post.Author])
            {
                rows += FollowerCount(post.Author);
            }
        }

        return rows;
    }

    public static SocialGraph Generate(GraphSpec spec, DateTimeOffset anchor)
    {
        spec.Validate();
        var random = new Random(spec.Seed);
        var users = spec.Users;
        var anchorMs = anchor.ToUnixTimeMilliseconds();

        var userIds = new Guid[users];
        var bytes = new byte[16];
        for (var i = 0; i < users; i++)
        {
            random.NextBytes(bytes);
            userIds[i] = new Guid(bytes);
        }

        var sampler = new Sampler(users, random);
        var follows = new List<long>(users * 6);
        void FollowedBy(int followee, ReadOnlySpan<int> followers)
        {
            foreach (var follower in followers)
            {
                if (follower != followee)
                {
                    follows.Add(((long)followee << 32) | (uint)follower);
                }
            }
        }

        // Exact audiences for the probes: one more drawn, so that leaving out the account itself keeps the size.
        void FollowedByExactly(int followee, int size)
        {
            var added = 0;
            foreach (var follower in sampler.Draw(size + 1))
            {
                if (follower != followee && added < size)
                {
                    follows.Add(((long)followee << 32) | (uint)follower);
                    added++;
                }
            }
        }

        FollowedByExactly(FanOutAuthor, spec.FanOutFollowers);
        FollowedByExactly(SmallInfluencer, spec.SmallInfluencerFollowers);
        FollowedByExactly(LargeInfluencer, spec.LargeInfluencerFollowers);

        var influencers = new Range(FirstInfluencer, FirstInfluencer + spec.Influencers);
        for (var i = influencers.Start.Value; i < influencers.End.Value; i++)
        {
            var audience = PowerLaw(random, spec.PowerLawExponent, spec.InfluencerAudienceMin, spec.InfluencerAudienceMax);
            FollowedBy(i, sampler.Draw(audience));
        }

        for (var i = influencers.End.Value; i < users; i++)
        {
            var count = PowerLaw(random, spec.PowerLawExponent, spec.MinFollowers, spec.InfluencerAudienceMax);
            FollowedBy(i, sampler.Draw(count));
        }

        // Readers follow posters and influencers, each reader its own sample of both.
        var readers = new Range(influencers.End.Value, influencers.End.Value + spec.Readers);
        var posters = new Range(readers.End.Value, readers.End.Value + spec.Posters);
        var posterSampler = new Sampler(spec.Posters, random);
        var influencerSampler = new Sampler(spec.Influencers, random);
        for (var reader = readers.Start.Value; reader < readers.End.Value; reader++)
        {
            foreach (var poster in posterSampler.Draw(spec.ReaderOrdinaryFollows))
            {
                follows.Add(((long)(posters.Start.Value + poster) << 32) | (uint)reader);
            }

            foreach (var influencer in influencerSampler.Draw(spec.ReaderInfluencerFollows))
            {
                follows.Add(((long)(influencers.Start.Value + influencer) << 32) | (uint)reader);
            }
        }

        // One row per pair, sorted by followee: a follower drawn twice for the same account follows once.
        var sorted = follows.ToArray();
        Array.Sort(sorted);
        var unique = sorted.Length == 0 ? 0 : 1;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] != sorted[unique - 1])
            {
                sorted[unique++] = sorted[i];
            }
        }

        Array.Resize(ref sorted, unique);
        var followedOn = new long[unique];
        for (var i = 0; i < unique; i++)
        {
            followedOn[i] = anchorMs - DayMs - (long)(random.NextDouble() * 365 * DayMs);
        }

        var followerStart = new int[users + 1];
        foreach (var follow in sorted)
        {
            followerStart[Followee(follow) + 1]++;
        }

        for (var i = 0; i < users; i++)
        {
            followerStart[i + 1] += followerStart[i];
        }

        // The probes' status is set, not earned: the fan-out probe measures the push path at its size.
        var isInfluencer = new bool[users];
        for (var i = influencers.End.Value; i < users; i++)
        {
            isInfluencer[i] = followerStart[i + 1] - followerStart[i] >= spec.InfluencerThreshold;
        }

        isInfluencer[SmallInfluencer] = true;
        isInfluencer[LargeInfluencer] = true;
        for (var i = influencers.Start.Value; i < influencers.End.Value; i++)
        {
            isInfluencer[i] = true;
        }

        var posts = new List<SeedPost>((spec.Posters * spec.PostsPerPoster) + ((spec.Influencers + 2) * spec.PostsPerInfluencer));
        SeedPost NewPost(int author, long withinMs)
        {
            random.NextBytes(bytes);
            return new SeedPost(new Guid(bytes), author, anchorMs - 1 - (long)(random.NextDouble() * withinMs), PostTypes[random.Next(PostTypes.Length)]);
        }

        for (var poster = posters.Start.Value; poster < posters.End.Value; poster++)
        {
            for (var i = 0; i < spec.PostsPerPoster; i++)
            {
                posts.Add(NewPost(poster, DayMs));
            }
        }

        foreach (var influencer in Enumerable.Range(influencers.Start.Value, spec.Influencers).Append(SmallInfluencer).Append(LargeInfluencer))
        {
            for (var i = 0; i < spec.PostsPerInfluencer; i++)
            {
                posts.Add(NewPost(influencer, 3 * DayMs));
            }
        }

        // Drawn last, so the graph above is the same as before readers' activity was seeded.
        var lastReadOn = new long[users];
        for (var i = 0; i < users; i++)
        {
            lastReadOn[i] = anchorMs - (long)(random.NextDouble() * 6 * 60 * 60 * 1000);
        }

        return new SocialGraph(spec, anchorMs, userIds, isInfluencer, sorted, followedOn, followerStart, [.. posts], lastReadOn);
    }

    /// <summary>
    /// A discrete power law by inversion: ⌊x_min · (1 - U)^(-1/(α-1))⌋, capped. Heavy-tailed: most
    /// accounts have a few followers, a few have very many.
    /// </summary>
    private static int PowerLaw(Random random, double exponent, int min, int max)
    {
        var value = min * Math.Pow(1 - random.NextDouble(), -1 / (exponent - 1));
        return (int)Math.Min(max, Math.Floor(value));
    }

    /// <summary>
    /// Uniform samples without replacement from [0, n): a partial Fisher–Yates shuffle of one
    /// permutation kept between draws, so a draw of k costs O(k) and the array stays a permutation.
    /// </summary>
    private sealed class Sampler
    {
        private readonly int[] _permutation;
        private readonly Random _random;

        public Sampler(int n, Random random)
        {
            _permutation = new int[n];
            for (var i = 0; i < n; i++)
            {
                _permutation[i] = i;
            }

            _random = random;
        }

        public ReadOnlySpan<int> Draw(int count)
        {
            count = Math.Min(count, _permutation.Length);
            for (var i = 0; i < count; i++)
            {
                var j = _random.Next(i, _permutation.Length);
                (_permutation[i], _permutation[j]) = (_permutation[j], _permutation[i]);
            }

            return _permutation.AsSpan(0, count);
        }
    }
}
