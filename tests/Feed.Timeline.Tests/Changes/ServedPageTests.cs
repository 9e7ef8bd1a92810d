using Feed.Timeline.Changes;
using Feed.Timeline.Lifecycle;
using Feed.Timeline.Tests.Support;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Tests.Changes;

/// <summary>
/// A first page is reused only while nothing it shows has changed: every kind of change the
/// handlers announce makes the next read read again, and so do a new page size, the page lifetime
/// and a change that lands while the page is being read.
/// </summary>
public sealed class ServedPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_repeated_first_page_is_reused_without_a_store_read()
    {
        var (world, author) = await WorldWithOnePostAsync();
        var first = await world.ReadAsync(limit: 10, cursor: null);
        var storeReads = world.Store.RowReads.Count;
        var userQueries = world.Modules.UserSummaryQueries;

        var second = await world.ReadAsync(limit: 10, cursor: null);

        Assert.Same(first, second);
        Assert.Equal(storeReads, world.Store.RowReads.Count);
        Assert.Equal(userQueries, world.Modules.UserSummaryQueries);
        Assert.Equal(author, Assert.Single(second.Items).UserId);
    }

    [Fact]
    public async Task A_post_pushed_to_the_reader_shows_on_the_next_read()
    {
        var (world, author) = await WorldWithOnePostAsync();
        await world.ReadAsync(limit: 10, cursor: null);

        var pushed = await world.PushAsync(author, 20, [world.Reader]);

        Assert.Equal(pushed.PostId, (await world.ReadAsync(limit: 10, cursor: null)).Items[0].PostId);
    }

    [Fact]
    public async Task A_fan_out_reaches_the_reused_page()
    {
        var (world, author) = await WorldWithOnePostAsync();
        await world.ReadAsync(limit: 10, cursor: null);
        var post = await world.SaveAsync(author, 30);

        await world.FanOut().RunAsync(post, Ct);

        Assert.Equal(post.PostId, (await world.ReadAsync(limit: 10, cursor: null)).Items[0].PostId);
    }

    [Fact]
    public async Task A_followed_influencer_s_new_post_shows_on_the_next_read()
    {
        var (world, _) = await WorldWithOnePostAsync();
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        world.Modules.Follow(world.Reader, influencer);
        await new FollowingChangedHandler(world.Cache, world.Changes).Handle(new Social.Contracts.FollowingChanged(world.Reader), Ct);
        await world.ReadAsync(limit: 10, cursor: null);

        var pulled = await world.SaveAsync(influencer, 40);
        await world.FanOut().RunAsync(pulled, Ct);

        Assert.Equal(pulled.PostId, (await world.ReadAsync(limit: 10, cursor: null)).Items[0].PostId);
    }

    [Fact]
    public async Task A_deleted_post_leaves_the_next_read()
    {
        var (world, author) = await WorldWithOnePostAsync();
        var page = await world.ReadAsync(limit: 10, cursor: null);

        await world.DeletedHandler().Handle(new Social.Contracts.PostDeleted(Assert.Single(page.Items).PostId, author), Ct);

        Assert.Empty((await world.ReadAsync(limit: 10, cursor: null)).Items);
    }

    [Fact]
    public async Task A_follow_announced_by_social_shows_the_followee_s_pulled_posts_at_once()
    {
        var (world, _) = await WorldWithOnePostAsync();
        var influencer = world.Modules.AddUser("influencer", isInfluencer: true);
        var pulled = await world.PublishAsInfluencerAsync(influencer, 50);
        Assert.DoesNotContain((await world.ReadAsync(limit: 10, cursor: null)).Items, item => item.PostId == pulled.PostId);

        world.Modules.Follow(world.Reader, influencer);
        await new FollowingChangedHandler(world.Cache, world.Changes).Handle(new Social.Contracts.FollowingChanged(world.Reader), Ct);

        Assert.Equal(pulled.PostId, (await world.ReadAsync(limit: 10, cursor: null)).Items[0].PostId);
    }

    [Fact]
    public async Task An_unfollow_announced_by_social_hides_the_author_at_once()
    {
        var (world, author) = await WorldWithOnePostAsync();
        await world.ReadAsync(limit: 10, cursor: null);

        world.Modules.Unfollow(world.Reader, author);
        await new FollowingChangedHandler(world.Cache, world.Changes).Handle(new Social.Contracts.FollowingChanged(world.Reader), Ct);

        Assert.Empty((await world.ReadAsync(limit: 10, cursor: null)).Items);
    }

    [Fact]
    public async Task Another_page_size_and_a_cursor_are_read_not_reused()
    {
        var (world, author) = await WorldWithOnePostAsync();
        await world.PushAsync(author, 11, [world.Reader]);
        var twoItems = await world.ReadAsync(limit: 2, cursor: null);

        var oneItem = await world.ReadAsync(limit: 1, cursor: null);
        var next = await world.ReadAsync(limit: 1, cursor: oneItem.NextCursor);

        Assert.Equal(2, twoItems.Items.Count);
        Assert.Single(oneItem.Items);
        Assert.Equal(twoItems.Items[1].PostId, Assert.Single(next.Items).PostId);
    }

    [Fact]
    public async Task A_page_is_read_again_once_its_lifetime_is_over()
    {
        var (world, _) = await WorldWithOnePostAsync();
        var first = await world.ReadAsync(limit: 10, cursor: null);

        world.Clock.Advance(new TimelineOptions().PageLifetime);

        Assert.NotSame(first, await world.ReadAsync(limit: 10, cursor: null));
    }

    [Fact]
    public async Task A_change_landing_while_the_page_is_read_is_not_hidden_by_reuse()
    {
        var (world, author) = await WorldWithOnePostAsync();
        TimelinePost? late = null;

        // The post arrives after the read took its stamps but before it finished: this read may or
        // may not show it, the next one must.
        world.Store.BeforeRowRead = async () =>
        {
            world.Store.BeforeRowRead = null;
            late = await world.PushAsync(author, 60, [world.Reader]);
        };
        await world.ReadAsync(limit: 10, cursor: null);

        Assert.NotNull(late);
        Assert.Equal(late.PostId, (await world.ReadAsync(limit: 10, cursor: null)).Items[0].PostId);
    }

    [Fact]
    public void Without_a_feed_that_delivers_every_change_nothing_is_reused()
    {
        var options = Options.Create(new TimelineOptions());
        var changes = new TimelineChanges(new NoTimelineChangeFeed(), options);

        Assert.Null(changes.StampReader(Guid.NewGuid()));
    }

    [Fact]
    public async Task Stamps_move_only_for_what_changed()
    {
        var changes = new TimelineChanges(new InProcessTimelineChangeFeed(), Options.Create(new TimelineOptions()));
        var (reader, other, author) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var stamp = changes.StampReader(reader)!.Value;
        var authors = changes.StampAuthors(stamp, [author]);

        await changes.ReadersChangedAsync([other], Ct);
        await changes.AuthorsChangedAsync([Guid.NewGuid()], Ct);
        Assert.True(changes.Unchanged(stamp, authors));

        await changes.AuthorsChangedAsync([author], Ct);
        Assert.False(changes.Unchanged(stamp, authors));

        var again = changes.StampReader(reader)!.Value;
        var againAuthors = changes.StampAuthors(again, [author]);
        await changes.ReadersChangedAsync([reader], Ct);
        Assert.False(changes.Unchanged(again, againAuthors));
    }

    private static async Task<(TimelineWorld World, Guid Author)> WorldWithOnePostAsync()
    {
        var world = new TimelineWorld(new InMemory.InMemoryTimelineStore(), reusePages: true);
        var author = world.Modules.AddUser("author");
        world.Modules.Follow(world.Reader, author);
        await world.PushAsync(author, 10, [world.Reader]);
        return (world, author);
    }
}
