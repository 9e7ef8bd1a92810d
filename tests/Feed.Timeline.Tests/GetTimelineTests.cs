using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests;

/// <summary>Hand-made timelines read through the GetTimeline handler, page by page.</summary>
public sealed class GetTimelineTests
{
    [Fact]
    public async Task An_empty_timeline_is_one_empty_last_page()
    {
        var world = new TimelineWorld();

        var page = await world.ReadAsync(limit: 5, cursor: null);

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Items_are_hydrated_with_author_username_and_post_fields()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("user_1");
        world.Modules.Follow(world.Reader, author);
        var post = await world.PushAsync(author, 10, [world.Reader]);

        var item = Assert.Single((await world.ReadAsync(limit: 5, cursor: null)).Items);

        Assert.Equal(post.PostId, item.PostId);
        Assert.Equal(author, item.UserId);
        Assert.Equal("user_1", item.Username);
        Assert.Equal(post.PostUrl, item.PostUrl);
        Assert.Equal(post.PostType, item.PostType);
        Assert.Equal(post.CreatedOn, item.CreatedOn);
    }

    [Fact]
    public async Task Usernames_are_fetched_with_one_query_per_page()
    {
        var world = new TimelineWorld();
        for (var i = 0; i < 4; i++)
        {
            var author = world.Modules.AddUser($"author_{i}", isInfluencer: i % 2 == 0);
            world.Modules.Follow(world.Reader, author);
            await world.PushAsync(author, i, [world.Reader]);
            await world.PublishAsInfluencerAsync(author, 10 + i);
        }

        var page = await world.ReadAsync(limit: 8, cursor: null);

        Assert.Equal(8, page.Items.Count);
        Assert.Equal(1, world.Modules.UserSummaryQueries);
    }

    [Fact]
    public async Task A_timeline_of_exactly_limit_posts_is_one_page_with_no_cursor()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        world.Modules.Follow(world.Reader, author);
        for (var i = 0; i < 3; i++)
        {
            await world.PushAsync(author, i, [world.Reader]);
        }

        var page = await world.ReadAsync(limit: 3, cursor: null);

        Assert.Equal(3, page.Items.Count);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Design_document_groups_A_and_B_merge_into_one_complete_newest_first_timeline()
    {
        // Group A = infl_1, infl_2, infl_3; Group B = infl_4, infl_5, infl_6; 5 posts fetched per
        // influencer; plus the timeline rows of an ordinary followee, user_1.
        var world = new TimelineWorld();
        var expected = new List<TimelinePost>();
        var influencers = Enumerable.Range(1, 6).Select(i => world.Modules.AddUser($"infl_{i}", isInfluencer: true)).ToList();
        for (var i = 0; i < influencers.Count; i++)
        {
            world.Modules.Follow(world.Reader, influencers[i]);
            for (var j = 0; j < 8; j++)
            {
                // Influencer i posts every (i + 1) * 10 ms: their posts interleave unevenly.
                expected.Add(await world.PublishAsInfluencerAsync(influencers[i], 1000 - ((i + 1) * 10 * j)));
            }
        }

        var user1 = world.Modules.AddUser("user_1");
        world.Modules.Follow(world.Reader, user1);
        for (var j = 0; j < 10; j++)
        {
            expected.Add(await world.PushAsync(user1, 995 - (37 * j), [world.Reader]));
        }

        var first = await world.ReadAsync(limit: 10, cursor: null, groupSize: 3, postsPerInfluencer: 5);

        // The first read is the design's shape: one timeline read and one read per group of three, k + 1 each.
        Assert.Single(world.Store.RowReads, read => read.After is null);
        var groupReads = world.Store.InfluencerReads.Where(read => read.After is null).ToList();
        Assert.Equal(2, groupReads.Count);
        Assert.All(groupReads, read => Assert.Equal(3, read.InfluencerIds.Length));
        Assert.All(groupReads, read => Assert.Equal(6, read.LimitPerInfluencer));
        Assert.Equal(influencers.ToHashSet(), groupReads.SelectMany(read => read.InfluencerIds).ToHashSet());
        Assert.Equal(TimelineWorld.InPageOrder(expected).Take(10), first.Items.Select(item => item.PostId));

        var pages = await world.ReadAllAsync(limit: 10, groupSize: 3, postsPerInfluencer: 5);
        Assert.Equal(TimelineWorld.InPageOrder(expected), TimelineWorld.AssertWellFormed(pages, 10));
    }

    [Fact]
    public async Task A_naive_cut_at_k_posts_per_influencer_would_skip_posts_but_the_merge_does_not()
    {
        // Busy posted 10 times recently, quiet once, long ago. Fetching k = 5 of each and cutting a
        // page of 6 would return busy's 5 newest and quiet's post, and the next page (after quiet's
        // post) would never show busy's posts 6..10.
        var world = new TimelineWorld();
        var busy = world.Modules.AddUser("busy", isInfluencer: true);
        var quiet = world.Modules.AddUser("quiet", isInfluencer: true);
        world.Modules.Follow(world.Reader, busy);
        world.Modules.Follow(world.Reader, quiet);
        var busyPosts = new List<TimelinePost>();
        for (var i = 0; i < 10; i++)
        {
            busyPosts.Add(await world.PublishAsInfluencerAsync(busy, 100 - i));
        }

        var quietPost = await world.PublishAsInfluencerAsync(quiet, 50);

        var first = await world.ReadAsync(limit: 6, cursor: null, groupSize: 2, postsPerInfluencer: 5);
        Assert.Equal(busyPosts.Take(6).Select(post => post.PostId), first.Items.Select(item => item.PostId));
        Assert.DoesNotContain(first.Items, item => item.PostId == quietPost.PostId);

        var second = await world.ReadAsync(limit: 6, cursor: first.NextCursor, groupSize: 2, postsPerInfluencer: 5);
        Assert.Equal(busyPosts.Skip(6).Select(post => post.PostId).Append(quietPost.PostId), second.Items.Select(item => item.PostId));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task The_same_post_as_a_row_and_as_an_influencer_post_appears_once()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("switcher");
        world.Modules.Follow(world.Reader, author);
        var both = await world.PushAsync(author, 20, [world.Reader]);
        await world.Store.AddInfluencerPostAsync(both.ToEntry(), TestContext.Current.CancellationToken);
        var newer = await world.PushAsync(author, 30, [world.Reader]);
        var older = await world.PublishAsInfluencerAsync(author, 10);

        for (var limit = 1; limit <= 4; limit++)
        {
            var pages = await world.ReadAllAsync(limit, postsPerInfluencer: 1);
            Assert.Equal([newer.PostId, both.PostId, older.PostId], TimelineWorld.AssertWellFormed(pages, limit));
        }
    }

    [Fact]
    public async Task Deleted_posts_are_dropped_before_the_page_is_cut_so_pages_stay_full()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        world.Modules.Follow(world.Reader, author);
        var posts = new List<TimelinePost>();
        for (var i = 0; i < 9; i++)
        {
            posts.Add(await world.PushAsync(author, 100 - i, [world.Reader]));
        }

        // The three newest and one in the middle are deleted; their rows stay in the timeline.
        foreach (var index in new[] { 0, 1, 2, 5 })
        {
            await world.DeleteAsync(posts[index]);
        }

        var pages = await world.ReadAllAsync(limit: 2);

        Assert.Equal([posts[3], posts[4], posts[6], posts[7], posts[8]], pages.SelectMany(page => page.Items).Select(item => posts.Single(post => post.PostId == item.PostId)));
        TimelineWorld.AssertWellFormed(pages, 2);
    }

    [Fact]
    public async Task A_page_followed_only_by_deleted_posts_is_the_last_page()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        world.Modules.Follow(world.Reader, author);
        var kept = new[] { await world.PushAsync(author, 9, [world.Reader]), await world.PushAsync(author, 8, [world.Reader]) };
        await world.DeleteAsync(await world.PushAsync(author, 7, [world.Reader]));
        await world.DeleteAsync(await world.PushAsync(author, 6, [world.Reader]));

        var page = await world.ReadAsync(limit: 2, cursor: null);

        Assert.Equal(kept.Select(post => post.PostId), page.Items.Select(item => item.PostId));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Posts_sharing_a_millisecond_page_by_descending_post_id_without_loss_or_repeat()
    {
        var world = new TimelineWorld();
        var ordinary = world.Modules.AddUser("ordinary");
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        world.Modules.Follow(world.Reader, ordinary);
        world.Modules.Follow(world.Reader, influencer);
        var posts = new List<TimelinePost>();
        for (var i = 0; i < 6; i++)
        {
            posts.Add(await world.PushAsync(ordinary, 42, [world.Reader]));
            posts.Add(await world.PublishAsInfluencerAsync(influencer, 42));
        }

        foreach (var limit in new[] { 1, 2, 5, 12, 13 })
        {
            var pages = await world.ReadAllAsync(limit, postsPerInfluencer: 2);
            var ids = TimelineWorld.AssertWellFormed(pages, limit);
            Assert.Equal(posts.Select(post => post.PostId).OrderDescending(), ids);
        }
    }

    [Fact]
    public async Task A_demoted_influencer_keeps_old_pulled_posts_and_new_pushed_posts()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("former_influencer");
        world.Modules.Follow(world.Reader, author);
        var pulled = new[] { await world.PublishAsInfluencerAsync(author, 1), await world.PublishAsInfluencerAsync(author, 2) };
        var pushed = new[] { await world.PushAsync(author, 3, [world.Reader]), await world.PushAsync(author, 4, [world.Reader]) };

        var pages = await world.ReadAllAsync(limit: 3);

        Assert.Equal(TimelineWorld.InPageOrder(pulled.Concat(pushed)), TimelineWorld.AssertWellFormed(pages, 3));
    }

    [Fact]
    public async Task Influencers_the_reader_does_not_follow_are_not_pulled()
    {
        var world = new TimelineWorld();
        var followed = world.Modules.AddUser("followed", isInfluencer: true);
        var stranger = world.Modules.AddUser("stranger", isInfluencer: true);
        world.Modules.Follow(world.Reader, followed);
        var seen = await world.PublishAsInfluencerAsync(followed, 1);
        await world.PublishAsInfluencerAsync(stranger, 2);

        var page = await world.ReadAsync(limit: 10, cursor: null);

        Assert.Equal([seen.PostId], page.Items.Select(item => item.PostId));
    }

    [Fact]
    public async Task One_very_active_influencer_is_read_in_growing_chunks()
    {
        var world = new TimelineWorld();
        var busy = world.Modules.AddUser("busy", isInfluencer: true);
        var quiet = world.Modules.AddUser("quiet", isInfluencer: true);
        world.Modules.Follow(world.Reader, busy);
        world.Modules.Follow(world.Reader, quiet);
        var busyPosts = new List<TimelinePost>();
        for (var i = 0; i < 300; i++)
        {
            busyPosts.Add(await world.PublishAsInfluencerAsync(busy, 10_000 - i));
        }

        await world.PublishAsInfluencerAsync(quiet, 1);

        var page = await world.ReadAsync(limit: 100, cursor: null, groupSize: 1, postsPerInfluencer: 1);

        Assert.Equal(busyPosts.Take(100).Select(post => post.PostId), page.Items.Select(item => item.PostId));
        Assert.NotNull(page.NextCursor);
        // k = 1 would take 100 reads one post at a time; growing chunks need a handful.
        Assert.InRange(world.Store.InfluencerReads.Count, 2, 4);
        Assert.Equal(1, world.Store.PostLookups);
    }
}
