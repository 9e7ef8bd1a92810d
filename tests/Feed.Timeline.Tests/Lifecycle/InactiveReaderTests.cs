using Feed.Social.Contracts;
using Feed.Timeline.ReaderLifecycle;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Lifecycle;

/// <summary>Reader activity with a fake clock: fan-out skips inactive readers, whose next read rebuilds.</summary>
public sealed class InactiveReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(TimelineWorld World, Guid Author, List<PostSummary> Posts)> FollowingOneAuthorAsync()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var posts = new List<PostSummary> { await world.PostAsync(author, 1) };
        world.Modules.RecentPostQueries.Clear();
        return (world, author, posts);
    }

    [Fact]
    public async Task Fan_out_skips_followers_who_never_read_or_not_for_the_inactivity_limit_in_one_store_call()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        var stale = world.Modules.AddUser("stale");
        var never = world.Modules.AddUser("never");
        await world.ActivateAsync(stale);
        world.Clock.Advance(world.Lifecycle.InactiveAfter - TimeSpan.FromSeconds(1));
        await world.ActivateAsync(world.Reader);
        world.Clock.Advance(TimeSpan.FromSeconds(2));
        foreach (var follower in new[] { world.Reader, stale, never })
        {
            world.Modules.Follow(follower, author);
        }

        var post = await world.PostAsync(author, 1);

        Assert.Equal([post.PostId], await world.RowsOfAsync(world.Reader));
        Assert.Empty(await world.RowsOfAsync(stale));
        Assert.Empty(await world.RowsOfAsync(never));
    }

    [Fact]
    public async Task An_inactive_reader_s_next_read_rebuilds_from_every_followee_then_fan_out_pushes_again()
    {
        var (world, author, posts) = await FollowingOneAuthorAsync();
        var influencer = world.Modules.AddUser("influencer");
        var preInfluencer = await world.PostAsync(influencer, 2);
        await world.FollowAsync(world.Reader, influencer);
        world.Modules.SetInfluencer(influencer, true);
        world.Clock.Advance(world.Lifecycle.InactiveAfter + TimeSpan.FromMinutes(1));

        posts.Add(await world.PostAsync(author, 3));
        var pulled = await world.PostAsync(influencer, 4);
        Assert.Equal([preInfluencer.PostId, posts[0].PostId], await world.RowsOfAsync(world.Reader));

        var timeline = await world.TimelineOfAsync(world.Reader, limit: 2);

        Assert.Equal(LifecycleSteps.NewestFirst(posts, [preInfluencer, pulled]), timeline);
        // The pulled post got no row; the rebuild wrote the skipped one.
        Assert.Equal(LifecycleSteps.NewestFirst(posts, [preInfluencer]), await world.RowsOfAsync(world.Reader));
        var reader = await world.Store.GetReaderAsync(world.Reader, Ct);
        Assert.Equal(new TimelineReader(world.Clock.GetUtcNow(), null), reader);

        posts.Add(await world.PostAsync(author, 5));
        Assert.Contains(posts[^1].PostId, await world.RowsOfAsync(world.Reader));
    }

    [Fact]
    public async Task A_read_trusts_the_rows_only_while_the_last_read_is_a_margin_younger_than_the_limit()
    {
        var (world, author, _) = await FollowingOneAuthorAsync();
        var margin = world.Lifecycle.ActivityMargin;
        Assert.Equal(TimeSpan.FromHours(1), margin);

        world.Clock.Advance(world.Lifecycle.InactiveAfter - margin - TimeSpan.FromSeconds(1));
        await world.TimelineOfAsync(world.Reader);
        Assert.Empty(world.Modules.RecentPostQueries);
        // That read was recorded, so this one, as far after it, trusts the rows too.
        world.Clock.Advance(world.Lifecycle.InactiveAfter - margin - TimeSpan.FromSeconds(1));
        await world.TimelineOfAsync(world.Reader);
        Assert.Empty(world.Modules.RecentPostQueries);

        world.Clock.Advance(world.Lifecycle.InactiveAfter - margin + TimeSpan.FromSeconds(1));
        await world.TimelineOfAsync(world.Reader);
        Assert.Equal([new GetRecentPosts(author, world.Lifecycle.BackfillSize)], world.Modules.RecentPostQueries);
    }

    [Fact]
    public async Task Reads_closer_together_than_the_margin_write_nothing()
    {
        var (world, _, _) = await FollowingOneAuthorAsync();
        var firstRead = world.Clock.GetUtcNow();
        await world.ActivateAsync(world.Reader);

        world.Clock.Advance(TimeSpan.FromMinutes(59));
        await world.TimelineOfAsync(world.Reader);
        Assert.Equal(firstRead, (await world.Store.GetReaderAsync(world.Reader, Ct))!.LastReadOn);

        world.Clock.Advance(TimeSpan.FromMinutes(2));
        await world.TimelineOfAsync(world.Reader);
        Assert.Equal(world.Clock.GetUtcNow(), (await world.Store.GetReaderAsync(world.Reader, Ct))!.LastReadOn);
    }

    [Fact]
    public async Task A_rebuild_cut_short_by_a_crash_is_done_again_on_the_next_read()
    {
        var world = new TimelineWorld(TimelineStores.All(new FailingOnceStore(TimelineStores.InMemory())));
        var reader = world.Modules.AddUser("returning");
        var author = world.Modules.AddUser("author");
        world.Modules.Follow(reader, author);
        var post = LifecycleSteps.NewPost(author, 1);
        world.Modules.AddPost(post);
        await world.SaveAsync(author, 1, post.PostId);

        await Assert.ThrowsAsync<TimeoutException>(() => world.TimelineOfAsync(reader));
        Assert.NotNull((await world.Store.GetReaderAsync(reader, Ct))!.RebuildStartedOn);
        // Marked active before the backfill: fan-out already includes the reader.
        Assert.Equal([reader], await world.Readers().ActiveAmongAsync([reader], Ct));

        Assert.Equal([post.PostId], await world.TimelineOfAsync(reader));
        Assert.Null((await world.Store.GetReaderAsync(reader, Ct))!.RebuildStartedOn);
    }

    [Fact]
    public async Task A_read_whose_record_took_longer_than_the_margin_rebuilds()
    {
        var (world, author, _) = await FollowingOneAuthorAsync();
        world.Clock.Advance(TimeSpan.FromDays(3));
        var slow = new SlowRecordStore(TimelineStores.All(world.Store), world.Clock, world.Lifecycle.ActivityMargin);
        var readers = new ReaderActivity(world.Modules, slow, world.Backfill(), Microsoft.Extensions.Options.Options.Create(world.Lifecycle), world.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReaderActivity>.Instance);

        await readers.BeginReadAsync(world.Reader, Ct);

        Assert.Equal([new GetRecentPosts(author, world.Lifecycle.BackfillSize)], world.Modules.RecentPostQueries);
    }

    /// <summary>A store whose first backfill write fails, like a crash in the middle of a rebuild.</summary>
    private sealed class FailingOnceStore(TimelineStores inner) : ForwardingTimelineStore(inner)
    {
        private int _failed;

        public override ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken) =>
            Interlocked.Exchange(ref _failed, 1) == 0
                ? ValueTask.FromException(new TimeoutException("The store went away."))
                : base.AddTimelineEntriesAsync(userId, entries, cancellationToken);
    }

    /// <summary>A store whose read records take as long as the activity margin.</summary>
    private sealed class SlowRecordStore(TimelineStores inner, Microsoft.Extensions.Time.Testing.FakeTimeProvider clock, TimeSpan delay) : ForwardingTimelineStore(inner)
    {
        public override ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken)
        {
            clock.Advance(delay);
            return base.RecordReadAsync(userId, readOn, cancellationToken);
        }
    }
}
