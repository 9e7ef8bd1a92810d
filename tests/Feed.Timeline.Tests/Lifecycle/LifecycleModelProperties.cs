using CsCheck;
using Feed.Social.Contracts;
using Feed.Testing;
using Feed.Timeline.Tests.Support;
using Feed.Users.Contracts;

namespace Feed.Timeline.Tests.Lifecycle;

/// <summary>
/// Model-based, at the handler level, with a fake clock: random follows, unfollows, posts, deletes,
/// timeline reads and clock jumps past the inactivity limit, while the announcements wait in an
/// outbox-like queue and are delivered, in order, at random moments (so reads and rebuilds happen
/// between a change and its delivery). Influencer status follows the follower counts the messages
/// carry (promotion at 3, demotion below 2), switched while the follow is delivered and announced through
/// the queue, as Users does; an earlier switch is also delivered again at random moments (at least once,
/// in any order with the author's other switches).
/// After everything is delivered, every user's paged timeline must equal the model's; a read before
/// that may lag behind, but must be a well-formed page of posts by authors the reader follows or followed.
/// </summary>
public sealed class LifecycleModelProperties
{
    private const int Users = 5;

    private static readonly Gen<(int Kind, int A, int B)[]> Steps = Gen.Select(Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, 99]).Array[10, 60];

    [Fact]
    public async Task After_any_sequence_every_timeline_equals_the_model()
    {
        await Gen.Select(Steps, Gen.Int[1, 4]).SampleAsync(
            async (steps, limit) =>
            {
                var run = new Run(new TimelineWorld());
                foreach (var step in steps)
                {
                    await run.ApplyAsync(step);
                }

                await run.DeliverAsync(int.MaxValue);
                await run.AssertEveryTimelineAsync(limit);
            },
            iter: 300,
            print: sample => $"limit {sample.Item2}: " + string.Join(", ", sample.Item1.Select(step => $"{step.Kind}/{step.A}/{step.B}")));
    }

    [Fact]
    public async Task With_a_small_redis_cache_after_any_sequence_every_timeline_equals_the_model()
    {
        await Gen.Select(Steps, Gen.Int[1, 4]).SampleAsync(
            async (steps, limit) =>
            {
                using var redis = await RedisTestCache.CreateAsync(cacheSize: 3);
                var run = new Run(new TimelineWorld(redis.Cache));
                foreach (var step in steps)
                {
                    await run.ApplyAsync(step);
                }

                await run.DeliverAsync(int.MaxValue);
                await run.AssertEveryTimelineAsync(limit);
            },
            iter: 60,
            threads: 1,
            print: sample => $"limit {sample.Item2}: " + string.Join(", ", sample.Item1.Select(step => $"{step.Kind}/{step.A}/{step.B}")));
    }

    private sealed class Run
    {
        private readonly TimelineWorld _world;
        private readonly Guid[] _users;
        private readonly HashSet<(int Follower, int Followee)> _follows = [];
        private readonly List<PostSummary> _posts = [];
        private readonly Dictionary<Guid, PostSummary> _everPosted = [];
        private readonly HashSet<(int Follower, int Followee)> _everFollowed = [];
        private readonly Queue<object> _outbox = new();
        private readonly HashSet<Guid> _influencers = [];
        private readonly List<InfluencerStatusChanged> _switches = [];
        private long _millis;

        public Run(TimelineWorld world)
        {
            _world = world;
            _users = [.. Enumerable.Range(0, Users).Select(i => world.Modules.AddUser($"user_{i}"))];
        }

        private static CancellationToken Ct => TestContext.Current.CancellationToken;

        public async Task ApplyAsync((int Kind, int A, int B) step)
        {
            var a = step.A % Users;
            var b = step.B % 2 == 0 ? 0 : step.B % Users; // user 0 crosses the thresholds often
            switch (step.Kind)
            {
                case < 25 when a != b:
                    _world.Modules.Follow(_users[a], _users[b]);
                    _everFollowed.Add((a, b));
                    if (_follows.Add((a, b)))
                    {
                        _outbox.Enqueue(new UserFollowed(_users[a], _users[b], _world.Clock.GetUtcNow(), FollowerCount(b)));
                    }

                    break;
                case < 40:
                    _world.Modules.Unfollow(_users[a], _users[b]);
                    if (_follows.Remove((a, b)))
                    {
                        _outbox.Enqueue(new UserUnfollowed(_users[a], _users[b], FollowerCount(b)));
                    }

                    break;
                case < 60:
                    // Several posts may share a millisecond.
                    _millis += step.B % 3;
                    var post = LifecycleSteps.NewPost(_users[a], _millis);
                    _world.Modules.AddPost(post);
                    _posts.Add(post);
                    _everPosted.Add(post.PostId, post);
                    _outbox.Enqueue(new PostCreated(post));
                    break;
                case < 68 when _posts.Count > 0:
                    var deleted = _posts[step.B % _posts.Count];
                    _posts.Remove(deleted);
                    _world.Modules.RemovePost(deleted);
                    _outbox.Enqueue(new PostDeleted(deleted.PostId, deleted.AuthorId));
                    break;
                case < 82:
                    await DeliverAsync(1 + (step.B % 4));
                    if (step.A % 3 == 0 && _switches.Count > 0)
                    {
                        // At least once, in any order: an earlier switch is delivered again, late.
                        await _world.StatusChangedHandler().Handle(_switches[step.A % _switches.Count], Ct);
                    }

                    break;
                case < 90:
                    var limit = 1 + (step.B % 3);
                    AssertWellFormed(a, await _world.ReadAsync(limit, null, groupSize: 2, postsPerInfluencer: 1, reader: _users[a]), limit);
                    break;
                case < 94:
                    // A rush of follows of user 0 (promoted on the third), or everyone unfollowing it.
                    for (var follower = 1; follower < Users; follower++)
                    {
                        await ApplyAsync((step.B % 2 == 0 ? 0 : 30, follower, 0));
                    }

                    break;
                default:
                    _world.Clock.Advance(step.B % 2 == 0 ? _world.Lifecycle.InactiveAfter + TimeSpan.FromMinutes(1) : TimeSpan.FromHours(3));
                    break;
            }
        }

        public async Task DeliverAsync(int count)
        {
            for (var i = 0; i < count && _outbox.TryDequeue(out var message); i++)
            {
                switch (message)
                {
                    case PostCreated created:
                        await _world.CreatedHandler(batchSize: 2).Handle(created, Ct);
                        break;
                    case PostDeleted deleted:
                        await _world.DeletedHandler(batchSize: 2).Handle(deleted, Ct);
                        break;
                    case UserFollowed followed:
                        await _world.FollowedHandler().Handle(followed, Ct);
                        await ReviewInfluencerAsync(followed.FolloweeId, followed.FolloweeFollowerCount);
                        break;
                    case UserUnfollowed unfollowed:
                        await _world.UnfollowedHandler().Handle(unfollowed, Ct);
                        await ReviewInfluencerAsync(unfollowed.FolloweeId, unfollowed.FolloweeFollowerCount);
                        break;
                    case InfluencerStatusChanged changed:
                        await _world.StatusChangedHandler().Handle(changed, Ct);
                        break;
                }
            }
        }

        public async Task AssertEveryTimelineAsync(int limit)
        {
            for (var user = 0; user < Users; user++)
            {
                var expected = LifecycleSteps.NewestFirst(_posts.Where(post => _follows.Contains((user, Array.IndexOf(_users, post.AuthorId)))));
                Assert.Equal(expected, await _world.TimelineOfAsync(_users[user], limit, postsPerInfluencer: 1));
            }
        }

        /// <summary>A page read while announcements wait: full unless last, strictly newest first, posts as created, by authors followed at some point.</summary>
        private void AssertWellFormed(int reader, Feed.Timeline.Contracts.TimelinePage page, int limit)
        {
            Assert.InRange(page.Items.Count, 0, limit);
            Assert.True(page.NextCursor is null || page.Items.Count == limit, $"A page of {page.Items.Count} for limit {limit} has a next cursor.");
            var outOfOrder = PageOrder.FirstOutOfOrder(page.Items, item => item.CreatedOn, item => item.PostId);
            Assert.True(outOfOrder < 0, $"Item {outOfOrder} of user {reader}'s page is out of order or repeated.");
            foreach (var item in page.Items)
            {
                Assert.True(_everPosted.TryGetValue(item.PostId, out var post), $"User {reader}'s page shows post {item.PostId}, which nobody created.");
                Assert.Equal((post.AuthorId, post.CreatedOn, post.PostUrl), (item.UserId, item.CreatedOn, item.PostUrl));
                Assert.True(_everFollowed.Contains((reader, Array.IndexOf(_users, post.AuthorId))), $"User {reader}'s page shows a post by an author never followed.");
            }
        }

        private long FollowerCount(int user) => _follows.Count(follow => follow.Followee == user);

        /// <summary>As the Users module: promoted at 3 followers, demoted below 2, announced through the outbox (behind what waits there).</summary>
        private async Task ReviewInfluencerAsync(Guid userId, long followerCount)
        {
            var isInfluencer = _influencers.Contains(userId) ? followerCount >= 2 : followerCount >= 3;
            if (isInfluencer == _influencers.Contains(userId))
            {
                return;
            }

            if (isInfluencer)
            {
                _influencers.Add(userId);
            }
            else
            {
                _influencers.Remove(userId);
            }

            _world.Modules.SetInfluencer(userId, isInfluencer);
            var changed = new InfluencerStatusChanged(userId, isInfluencer, _world.Clock.GetUtcNow());
            _switches.Add(changed);
            _outbox.Enqueue(changed);
        }
    }
}
