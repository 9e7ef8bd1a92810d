using Feed.Social.Contracts;
using Feed.Testing;
using Feed.Users.Contracts;

namespace Feed.Timeline.Tests.Support;

/// <summary>
/// Stands in for the Users and Social modules behind the mediator: a follow graph and user summaries,
/// answering exactly the contract queries the Timeline module sends, and counting them.
/// </summary>
internal sealed class FakeModules : FakeMediator
{
    private readonly Lock _gate = new();
    // Each followee's followers with the order of their follow (Social's followed_on): a follow again after an
    // unfollow is a new, newer follow.
    private readonly Dictionary<Guid, List<(Guid FollowerId, long FollowedAt)>> _followers = [];
    private long _follows;
    private readonly Dictionary<Guid, UserSummary> _users = [];
    private readonly Dictionary<Guid, List<PostSummary>> _posts = [];

    public FakeModules()
    {
        // One gate for the graph and the counters: a query sees one moment of the graph.
        Answer<GetFolloweeIds, IReadOnlyList<Guid>>(query => Locked(() => Followees(query)));
        Answer<GetUserSummaries, IReadOnlyDictionary<Guid, UserSummary>>(query => Locked(() => Summaries(query)));
        Answer<GetFollowerBatch, FollowerBatch>(query => Locked(() => FollowerBatch(query)));
        Answer<GetRecentPosts, IReadOnlyList<PostSummary>>(query => Locked(() => RecentPosts(query)));
    }

    public int UserSummaryQueries { get; private set; }

    public int FolloweeQueries { get; private set; }

    /// <summary>Raised after every follow and unfollow, as Social publishes <see cref="Social.Contracts.FollowingChanged"/>.</summary>
    public event Action<Guid>? FollowingChanged;

    public List<GetFollowerBatch> FollowerBatchQueries { get; } = [];

    public Guid AddUser(string username, bool isInfluencer = false)
    {
        var userId = Guid.NewGuid();
        lock (_gate)
        {
            _users[userId] = new UserSummary(userId, username, isInfluencer);
        }

        return userId;
    }

    public void SetInfluencer(Guid userId, bool isInfluencer)
    {
        lock (_gate)
        {
            _users[userId] = _users[userId] with { IsInfluencer = isInfluencer };
        }
    }

    public void Follow(Guid followerId, Guid followeeId)
    {
        lock (_gate)
        {
            if (!_followers.TryGetValue(followeeId, out var followers))
            {
                _followers[followeeId] = followers = [];
            }

            if (!followers.Exists(follower => follower.FollowerId == followerId))
            {
                followers.Add((followerId, ++_follows));
            }
        }

        FollowingChanged?.Invoke(followerId);
    }

    public void Unfollow(Guid followerId, Guid followeeId)
    {
        lock (_gate)
        {
            if (_followers.TryGetValue(followeeId, out var followers))
            {
                followers.RemoveAll(follower => follower.FollowerId == followerId);
            }
        }

        FollowingChanged?.Invoke(followerId);
    }

    /// <summary>A post as Social holds it (for <see cref="GetRecentPosts"/>).</summary>
    public void AddPost(PostSummary post)
    {
        lock (_gate)
        {
            if (!_posts.TryGetValue(post.AuthorId, out var posts))
            {
                _posts[post.AuthorId] = posts = [];
            }

            posts.Add(post);
        }
    }

    public void RemovePost(PostSummary post)
    {
        lock (_gate)
        {
            _posts[post.AuthorId].RemoveAll(existing => existing.PostId == post.PostId);
        }
    }

    public List<GetRecentPosts> RecentPostQueries { get; } = [];

    private T Locked<T>(Func<T> answer)
    {
        lock (_gate)
        {
            return answer();
        }
    }

    private List<Guid> Followees(GetFolloweeIds query)
    {
        FolloweeQueries++;
        return _followers.Where(pair => pair.Value.Exists(follower => follower.FollowerId == query.FollowerId)).Select(pair => pair.Key).ToList();
    }

    private Dictionary<Guid, UserSummary> Summaries(GetUserSummaries query)
    {
        UserSummaryQueries++;
        return query.UserIds.Where(_users.ContainsKey).Distinct().ToDictionary(id => id, id => _users[id]);
    }

    private List<PostSummary> RecentPosts(GetRecentPosts query)
    {
        RecentPostQueries.Add(query);
        var posts = _posts.TryGetValue(query.AuthorId, out var list) ? list : [];
        return posts
            .OrderByDescending(post => post.CreatedOn)
            .ThenByDescending(post => post.PostId)
            .Take(query.Limit)
            .ToList();
    }

    /// <summary>
    /// As Social walks a followers partition: newest follow first, each batch strictly after the last one's
    /// final follow, so a follow during a walk is not reached (its backfill covers it) and an unfollow skips nobody.
    /// </summary>
    private FollowerBatch FollowerBatch(GetFollowerBatch query)
    {
        FollowerBatchQueries.Add(query);
        var after = query.Cursor is null ? long.MaxValue : long.Parse(query.Cursor, System.Globalization.CultureInfo.InvariantCulture);
        var rest = (_followers.TryGetValue(query.FolloweeId, out var list) ? list : [])
            .Where(follower => follower.FollowedAt < after)
            .OrderByDescending(follower => follower.FollowedAt)
            .ToList();
        var batch = rest.Take(query.BatchSize).ToList();
        var next = rest.Count > batch.Count ? batch[^1].FollowedAt.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new FollowerBatch([.. batch.Select(follower => follower.FollowerId)], next);
    }
}
