using System.Text.Json;
using CsCheck;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests;

/// <summary>
/// The paging guarantee against a brute-force model: for random follow graphs, influencer sets,
/// group sizes, per-influencer fetch sizes, page sizes, timestamp ties and deletions, paging the
/// whole timeline returns every visible post exactly once, newest first; every page but the last
/// is full; next_cursor is null exactly on the last page. Runs on the in-memory store here; an
/// adapter's test class derives from this to run the same properties on its store.
/// </summary>
public class TimelinePagingProperties
{
    /// <summary>How an author's posts reach timelines.</summary>
    public enum AuthorKind
    {
        /// <summary>Pushed: one timeline row per follower.</summary>
        Ordinary,

        /// <summary>Pulled: influencer_posts only.</summary>
        Influencer,

        /// <summary>Crossed the threshold one way or the other: some posts pushed, some pulled.</summary>
        Switched,
    }

    /// <param name="Author">Index into the scenario's authors (modulo their number).</param>
    /// <param name="Millis">Offset from a base time; a small range makes many posts share a millisecond.</param>
    /// <param name="Route">0..9: for switched authors below 5 means pushed; 9 also writes the other route (a duplicate).</param>
    public sealed record PostSpec(int Author, int Millis, int Route, bool Deleted, Guid PostId);

    /// <param name="Followed">Authors the reader follows (the first ones).</param>
    /// <param name="Unfollowed">Authors the reader does not follow (their posts must never show).</param>
    public sealed record Scenario(int Followed, int Unfollowed, AuthorKind[] Kinds, int GroupSize, int PostsPerInfluencer, int Limit, PostSpec[] Posts);

    private static readonly Gen<PostSpec> PostGen = Gen.Select(
        Gen.Int[0, 9], Gen.Int[0, 6], Gen.Int[0, 9], Gen.Int[0, 4], Gen.Guid,
        (author, millis, route, deleted, postId) => new PostSpec(author, millis, route, deleted == 0, postId));

    private static readonly Gen<Scenario> ScenarioGen = Gen.Select(
        Gen.Int[0, 7],
        Gen.Int[0, 2],
        Gen.Enum<AuthorKind>().Array[10],
        Gen.Int[1, 5],
        Gen.Int[1, 6],
        Gen.Int[1, 10],
        PostGen.Array[0, 60],
        (followed, unfollowed, kinds, groupSize, perInfluencer, limit, posts) =>
            new Scenario(followed, unfollowed, kinds, groupSize, perInfluencer, limit, posts));

    private static readonly JsonSerializerOptions PrintOptions = new() { WriteIndented = false };

    /// <summary>Scenarios checked by the paging property; a store behind a network affords fewer.</summary>
    protected virtual long PagingIterations => 1500;

    /// <summary>Scenarios checked by the re-read property.</summary>
    protected virtual long RereadIterations => 300;

    /// <summary>
    /// The stores a scenario fills (wrapped by its world). They may be shared by all scenarios,
    /// even running concurrently: each scenario's users and posts have new random ids.
    /// </summary>
    private protected virtual TimelineStores CreateStores() => TimelineStores.InMemory();

    [Fact]
    public async Task Paging_a_merged_timeline_returns_every_visible_post_once_in_order_with_full_pages()
    {
        await ScenarioGen.SampleAsync(
            async scenario =>
            {
                var (expected, world) = await BuildAsync(scenario);

                var pages = await world.ReadAllAsync(scenario.Limit, scenario.GroupSize, scenario.PostsPerInfluencer, maxPages: expected.Count + 2);

                Assert.Equal(expected, TimelineWorld.AssertWellFormed(pages, scenario.Limit));
            },
            iter: PagingIterations,
            print: scenario => JsonSerializer.Serialize(scenario, PrintOptions));
    }

    /// <param name="CacheSize">Small, so that pages run past the cached windows.</param>
    /// <param name="WarmAt">Before this post the reader pages through once, so later writes meet cached lists.</param>
    /// <param name="ForgetAt">Before this post every cached key is dropped, as FLUSHDB or eviction would.</param>
    public sealed record CachedScenario(Scenario Scenario, int CacheSize, int WarmAt, int ForgetAt);

    private static readonly Gen<CachedScenario> CachedScenarioGen = Gen.Select(
        ScenarioGen, Gen.Int[1, 8], Gen.Int[0, 60], Gen.Int[0, 90],
        (scenario, cacheSize, warmAt, forgetAt) => new CachedScenario(scenario, cacheSize, warmAt, forgetAt));

    [Fact]
    public async Task With_a_small_redis_cache_in_front_paging_returns_every_visible_post_once_in_order_with_full_pages()
    {
        await CachedScenarioGen.SampleAsync(
            async cached =>
            {
                var scenario = cached.Scenario;
                using var redis = await RedisTestCache.CreateAsync(cached.CacheSize);
                var world = new TimelineWorld(redis.Cache);
                var (expected, _) = await BuildAsync(scenario, world, async index =>
                {
                    if (index == cached.WarmAt)
                    {
                        await world.ReadAllAsync(scenario.Limit, scenario.GroupSize, scenario.PostsPerInfluencer);
                    }

                    if (index == cached.ForgetAt)
                    {
                        await redis.ForgetEverythingAsync();
                    }
                });

                // Cold or partly warm, then warm: the same complete pages.
                for (var round = 0; round < 2; round++)
                {
                    var pages = await world.ReadAllAsync(scenario.Limit, scenario.GroupSize, scenario.PostsPerInfluencer, maxPages: expected.Count + 2);
                    Assert.Equal(expected, TimelineWorld.AssertWellFormed(pages, scenario.Limit));
                }
            },
            iter: 150,
            threads: 1,
            print: cached => JsonSerializer.Serialize(cached, PrintOptions));
    }

    [Fact]
    public async Task Every_page_can_be_reread_from_its_cursor()
    {
        // A cursor is a position, not a session: reading the same cursor twice gives the same page.
        await ScenarioGen.SampleAsync(
            async scenario =>
            {
                var (_, world) = await BuildAsync(scenario);
                var pages = await world.ReadAllAsync(scenario.Limit, scenario.GroupSize, scenario.PostsPerInfluencer);
                string? cursor = null;
                foreach (var page in pages)
                {
                    var again = await world.ReadAsync(scenario.Limit, cursor, scenario.GroupSize, scenario.PostsPerInfluencer);
                    Assert.Equal(page.Items, again.Items);
                    Assert.Equal(page.NextCursor, again.NextCursor);
                    cursor = page.NextCursor;
                }
            },
            iter: RereadIterations,
            print: scenario => JsonSerializer.Serialize(scenario, PrintOptions));
    }

    /// <summary>Fills the store the way fan-out would and returns the model: visible posts in page order.</summary>
    private async Task<(List<Guid> Expected, TimelineWorld World)> BuildAsync(Scenario scenario, TimelineWorld? world = null, Func<int, Task>? beforePost = null)
    {
        world ??= new TimelineWorld(CreateStores());
        var bystander = world.Modules.AddUser("bystander");
        var authorCount = scenario.Followed + scenario.Unfollowed;
        var authors = Enumerable.Range(0, authorCount)
            .Select(i => world.Modules.AddUser($"author_{i}", isInfluencer: scenario.Kinds[i] == AuthorKind.Influencer))
            .ToArray();
        for (var i = 0; i < authorCount; i++)
        {
            world.Modules.Follow(bystander, authors[i]);
            if (i < scenario.Followed)
            {
                world.Modules.Follow(world.Reader, authors[i]);
            }
        }

        var visible = new List<TimelinePost>();
        var deleted = new List<TimelinePost>();
        var index = 0;
        foreach (var spec in scenario.Posts.DistinctBy(spec => spec.PostId))
        {
            if (authorCount == 0)
            {
                break;
            }

            if (beforePost is not null)
            {
                await beforePost(index);
            }

            index++;

            var authorIndex = spec.Author % authorCount;
            var author = authors[authorIndex];
            var followed = authorIndex < scenario.Followed;
            var post = await world.SaveAsync(author, spec.Millis, spec.PostId);
            var pushed = scenario.Kinds[authorIndex] switch
            {
                AuthorKind.Ordinary => true,
                AuthorKind.Influencer => false,
                _ => spec.Route < 5,
            };
            var alsoOtherRoute = spec.Route == 9;
            if (pushed || alsoOtherRoute)
            {
                // Fan-out writes rows for the author's followers only.
                await world.DeliverRowsAsync(followed ? [world.Reader, bystander] : [bystander], post);
            }

            if (!pushed || alsoOtherRoute)
            {
                await world.DeliverToInfluencerPostsAsync(post);
            }

            if (spec.Deleted)
            {
                deleted.Add(post);
            }
            else if (followed)
            {
                visible.Add(post);
            }
        }

        if (beforePost is not null)
        {
            await beforePost(index);
        }

        foreach (var post in deleted)
        {
            await world.DeleteAsync(post);
        }

        return (TimelineWorld.InPageOrder(visible), world);
    }
}
