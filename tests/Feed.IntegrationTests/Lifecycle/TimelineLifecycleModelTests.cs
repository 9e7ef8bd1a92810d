using System.Net;
using System.Text.Json.Nodes;
using CsCheck;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.Testing;

namespace Feed.IntegrationTests.Lifecycle;

/// <summary>
/// Model-based: random sequences of registrations, posts, deletes, follows, unfollows (enough of them
/// to promote and demote authors across the influencer thresholds, 3 and 2 here) and timeline reads,
/// sent to the real host over HTTP while its outbox delivers in the background, and applied to a
/// brute-force model. Once the outbox is idle, every user's fully paged timeline must equal the
/// model's: every existing post by the authors the user follows now, newest first, each once; and
/// every user's influencer status must be the one the model's rule gives. A read in the middle of
/// background work may lag behind, but must still be a well-formed page of posts that exist(ed)
/// by authors the reader follows or followed. Authors post far fewer than <c>BackfillSize</c> posts,
/// so every backfill is complete.
/// </summary>
public sealed class TimelineLifecycleModelTests
{
    private const int MaxUsers = 7;
    private const int Promotion = 3;
    private const int Demotion = 2;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Feed:Users:InfluencerFollowerThreshold"] = "3",
        ["Feed:Users:InfluencerDemotionFollowerThreshold"] = "2",
        // Small groups, fetches and batches, so that merges read on and fan-outs walk several batches.
        ["Feed:Timeline:InfluencerGroupSize"] = "2",
        ["Feed:Timeline:PostsPerInfluencer"] = "1",
        ["Feed:Timeline:FanOutBatchSize"] = "2",
    };

    private static readonly Gen<Scenario> Scenarios =
        Gen.Select(
                Gen.Select(Gen.Int[0, 99], Gen.Int[0, 1000], Gen.Int[0, 1000], static (kind, a, b) => new Step(kind, a, b)).Array[25, 40],
                Gen.Int[1, 4])
            .Select(static (steps, pageSize) => new Scenario(steps, pageSize));

    private static int _promotions;
    private static int _demotions;

    [Fact]
    public async Task On_the_suite_stores_every_timeline_equals_the_model_after_any_sequence()
    {
        await using var host = FeedApiFactory.WithSettings(Settings);
        await CheckAsync(host, iterations: FeedApiFactory.OnRealStores ? 20 : 40);
    }

    [Fact]
    public async Task On_postgres_with_a_ten_entry_cache_every_timeline_equals_the_model_after_any_sequence()
    {
        var settings = await FeedApiFactory.RealStoreSettingsAsync(cacheSize: 10);
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        await using var host = FeedApiFactory.WithSettings(settings);
        await CheckAsync(host, iterations: 20);
    }

    private static async Task CheckAsync(FeedApiFactory host, int iterations)
    {
        var promotionsBefore = Volatile.Read(ref _promotions);
        var demotionsBefore = Volatile.Read(ref _demotions);

        await Scenarios.SampleAsync(
            async scenario =>
            {
                var model = new Model(host);
                for (var i = 0; i < 5; i++)
                {
                    await model.RegisterAsync();
                }

                foreach (var step in scenario.Steps)
                {
                    await model.ApplyAsync(step);
                }

                await host.WhenOutboxIdleAsync();
                foreach (var (user, index) in model.Users.Select((user, index) => (user, index)))
                {
                    var actual = await user.WholeTimelineAsync(scenario.PageSize);
                    Assert.True(model.Expected(index).SequenceEqual(actual), $"The timeline of user {index} differs from the model.");
                    // Users reviews the status from the count it reads when it delivers a change, which may be later
                    // than the change: a peak or a dip inside the band between the thresholds that no review saw
                    // leaves either status there. Outside the band the status is decided.
                    var followers = model.FollowerCount(index);
                    var influencer = await IsInfluencerAsync(host, user);
                    Assert.True(
                        followers >= Promotion ? influencer : followers >= Demotion || !influencer,
                        $"User {index} ({followers} followers) is {(influencer ? "" : "not ")}an influencer.");
                }
            },
            iter: iterations,
            threads: 1,
            print: scenario => $"page size {scenario.PageSize}: " + string.Join(", ", scenario.Steps.Select(step => step.ToString())));

        // The sequences did cross the thresholds both ways (otherwise this test would prove less than it claims).
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Volatile.Read(ref _promotions) - promotionsBefore} promotions, {Volatile.Read(ref _demotions) - demotionsBefore} demotions in {iterations} sequences");
        Assert.True(Volatile.Read(ref _promotions) > promotionsBefore, "No sequence promoted an author.");
        Assert.True(Volatile.Read(ref _demotions) > demotionsBefore, "No sequence demoted an author.");
    }

    private static async Task<bool> IsInfluencerAsync(FeedApiFactory host, FeedUser user)
    {
        var response = await host.CreateClient().GetAsync(new Uri($"/api/users/{user.UserId}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync())["is_influencer"]!.GetValue<bool>();
    }

    /// <summary>One generated operation; <see cref="Kind"/> picks it, <see cref="A"/> and <see cref="B"/> pick its users or post.</summary>
    private sealed record Step(int Kind, int A, int B)
    {
        public override string ToString() => $"{Kind}/{A}/{B}";
    }

    private sealed record Scenario(Step[] Steps, int PageSize);

    private sealed record ModelPost(Guid PostId, int Author, DateTimeOffset CreatedOn)
    {
        public bool Deleted { get; set; }
    }

    /// <summary>The brute-force model, driving the service at the same time.</summary>
    private sealed class Model(FeedApiFactory host)
    {
        private readonly HashSet<(int Follower, int Followee)> _follows = [];
        private readonly HashSet<(int Follower, int Followee)> _everFollowed = [];
        private readonly List<ModelPost> _posts = [];
        private readonly HashSet<int> _influencers = [];

        public List<FeedUser> Users { get; } = [];

        /// <summary>A user's timeline: every existing post by the authors the user follows, newest first.</summary>
        public IEnumerable<Guid> Expected(int user) =>
            PageOrder.NewestFirst(_posts.Where(post => !post.Deleted && _follows.Contains((user, post.Author))), post => post.CreatedOn, post => post.PostId)
                .Select(post => post.PostId);

        public int FollowerCount(int user) => _follows.Count(follow => follow.Followee == user);

        public async Task RegisterAsync() => Users.Add(await LifecycleApi.RegisterOnAsync(host));

        public async Task ApplyAsync(Step step)
        {
            var a = step.A % Users.Count;
            // Half the follows and unfollows concern user 0, whose follower count therefore wanders across
            // the thresholds; rushes of follows and unfollows of user 0 cross them for sure.
            var b = step.B % 2 == 0 ? 0 : step.B % Users.Count;
            switch (step.Kind)
            {
                case < 6 when Users.Count < MaxUsers:
                    await RegisterAsync();
                    break;
                case < 30:
                    await FollowAsync(a, b == a ? (b + 1) % Users.Count : b);
                    break;
                case < 52:
                    await UnfollowAsync(a, b);
                    break;
                case < 70:
                    await PostAsync(a);
                    break;
                case < 80:
                    await DeleteAsync(step.A, b);
                    break;
                case < 85:
                    // A rush of follows of user 0: promoted on the third.
                    for (var follower = 1; follower < Users.Count; follower++)
                    {
                        await FollowAsync(follower, 0);
                    }

                    break;
                case < 90:
                    // Everyone unfollows user 0: demoted on falling below two.
                    for (var follower = 1; follower < Users.Count; follower++)
                    {
                        await UnfollowAsync(follower, 0);
                    }

                    break;
                default:
                    // A read in the middle of background work: it may rebuild, and activates the reader.
                    var limit = 1 + (step.B % 5);
                    var (items, next) = await Users[a].TimelinePageNowAsync(limit);
                    AssertWellFormed(a, items, next, limit);
                    break;
            }
        }

        /// <summary>
        /// A page read while announcements are still on their way: it may lag behind the model, but it
        /// is a proper page (full unless last, strictly newest first, no repeats) of posts as they were
        /// created, each by an author the reader follows or has followed.
        /// </summary>
        private void AssertWellFormed(int reader, List<JsonObject> items, string? next, int limit)
        {
            Assert.InRange(items.Count, 0, limit);
            Assert.True(next is null || items.Count == limit, $"A page of {items.Count} for limit {limit} has a next cursor.");
            var outOfOrder = PageOrder.FirstOutOfOrder(items, item => item.UtcTimestamp("created_on"), item => item.Id("post_id"));
            Assert.True(outOfOrder < 0, $"Item {outOfOrder} of user {reader}'s page is out of order or repeated.");
            foreach (var item in items)
            {
                var post = _posts.SingleOrDefault(post => post.PostId == item.Id("post_id"));
                Assert.True(post is not null, $"User {reader}'s page shows post {item.Id("post_id")}, which nobody created.");
                Assert.Equal(Users[post.Author].UserId, item.Id("user_id"));
                Assert.Equal(post.CreatedOn, item.UtcTimestamp("created_on"));
                Assert.True(_everFollowed.Contains((reader, post.Author)), $"User {reader}'s page shows a post by user {post.Author}, never followed.");
            }
        }

        private async Task FollowAsync(int follower, int followee)
        {
            await Users[follower].FollowAsync(Users[followee]);
            _follows.Add((follower, followee));
            _everFollowed.Add((follower, followee));
            ReviewInfluencer(followee);
        }

        private async Task UnfollowAsync(int follower, int followee)
        {
            var response = await Users[follower].UnfollowResponseAsync(Users[followee].UserId);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            _follows.Remove((follower, followee));
            ReviewInfluencer(followee);
        }

        private async Task PostAsync(int author)
        {
            var post = await Users[author].CreatePostAsync();
            _posts.Add(new ModelPost(post.Id("post_id"), author, post.UtcTimestamp("created_on")));
        }

        private async Task DeleteAsync(int pick, int other)
        {
            var existing = _posts.Where(post => !post.Deleted).ToList();
            if (existing.Count == 0)
            {
                return;
            }

            var post = existing[pick % existing.Count];
            if (other != post.Author && pick % 3 == 0)
            {
                // Somebody else's post: refused, and nothing changes.
                var refused = await Users[other].DeletePostAsync(post.PostId);
                await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
            }

            var response = await Users[post.Author].DeletePostAsync(post.PostId);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            post.Deleted = true;
        }

        /// <summary>
        /// The Users module's rule (promote at 3 followers, demote below 2), applied to the follower count after
        /// each follow or unfollow in the order they were made: counts the crossings the sequences make, so that
        /// the test knows it drove authors across both thresholds.
        /// </summary>
        private void ReviewInfluencer(int user)
        {
            var followers = FollowerCount(user);
            if (!_influencers.Contains(user) && followers >= Promotion)
            {
                _influencers.Add(user);
                Interlocked.Increment(ref _promotions);
            }
            else if (_influencers.Contains(user) && followers < Demotion)
            {
                _influencers.Remove(user);
                Interlocked.Increment(ref _demotions);
            }
        }
    }
}
