using System.Collections.Concurrent;
using Feed.Social.Contracts;
using Feed.Timeline.ReaderLifecycle;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Lifecycle;

/// <summary>
/// The races of the inactive-reader protocol (docs/timeline-lifecycle.md, "Inactive readers"), each
/// interleaving forced by gates in the store rather than by timing: a read is paused just before it
/// records itself or marks a rebuild, or inside its rebuild, while a fan-out, a follow or a second
/// read of the same reader runs on the fake clock. One derived class per store technology.
/// </summary>
public abstract class InactiveReaderRaces
{
    private const int PageLimit = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract TimelineStores CreateStores();

    [Fact]
    public async Task A_post_fanned_out_during_the_rebuild_sees_the_marked_reader_as_active_and_the_page_has_it_once()
    {
        var (world, gates, reader, author, posts) = await ReturningReaderAsync();
        var inRebuild = gates.PauseNextBackfillWrite();
        var read = FirstPageAsync(world, reader);
        await AssertPausedAtAsync(inRebuild, read);

        // Committed after the rebuild asked for the author's posts: only its fan-out can bring it.
        posts.Add(await world.PostAsync(author, 3));
        Assert.Contains(posts[^1].PostId, await world.RowsOfAsync(reader));

        inRebuild.Open();
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await read);
    }

    [Fact]
    public async Task A_post_whose_fan_out_skipped_the_reader_just_before_the_mark_comes_with_the_rebuild_s_backfill()
    {
        var (world, gates, reader, author, posts) = await ReturningReaderAsync();
        // The read has found the reader inactive and is about to mark them.
        var beforeMark = gates.PauseNextReaderWrite();
        var read = FirstPageAsync(world, reader);
        await AssertPausedAtAsync(beforeMark, read);

        posts.Add(await world.PostAsync(author, 3));
        Assert.DoesNotContain(posts[^1].PostId, await world.RowsOfAsync(reader));

        beforeMark.Open();
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await read);
    }

    [Fact]
    public async Task A_post_committed_before_the_mark_but_fanned_out_during_the_rebuild_gets_one_row()
    {
        var (world, gates, reader, author, posts) = await ReturningReaderAsync();
        // Social committed it; its fan-out is still in the outbox.
        var late = LifecycleSteps.NewPost(author, 3);
        world.Modules.AddPost(late);
        posts.Add(late);
        var inRebuild = gates.PauseNextBackfillWrite();
        var read = FirstPageAsync(world, reader);
        await AssertPausedAtAsync(inRebuild, read);

        await world.CreatedHandler().Handle(new PostCreated(late), Ct);
        Assert.Contains(late.PostId, await world.RowsOfAsync(reader));

        // The backfill writes the same row again: it stays one row.
        inRebuild.Open();
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await read);
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.RowsOfAsync(reader));
    }

    [Fact]
    public async Task A_follow_committed_during_the_rebuild_is_backfilled_by_its_own_handler()
    {
        var (world, gates, reader, _, posts) = await ReturningReaderAsync();
        var newcomer = world.Modules.AddUser("newcomer");
        var earlier = await world.PostAsync(newcomer, 3);
        var inRebuild = gates.PauseNextBackfillWrite();
        var read = FirstPageAsync(world, reader);
        await AssertPausedAtAsync(inRebuild, read);

        // The rebuild read the graph before this follow; the follow's handler finds the reader active.
        await world.FollowAsync(reader, newcomer);
        Assert.Contains(earlier.PostId, await world.RowsOfAsync(reader));

        inRebuild.Open();
        // That read shows the authors followed when it began; the next one shows the newcomer too.
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await read);
        Assert.Equal(LifecycleSteps.NewestFirst(posts, [earlier]), await FirstPageAsync(world, reader));
    }

    [Fact]
    public async Task An_overlapping_read_rebuilds_again_and_the_first_rebuild_s_completion_leaves_the_second_s_mark()
    {
        var (world, gates, reader, _, posts) = await ReturningReaderAsync();
        var firstRebuild = gates.PauseNextBackfillWrite();
        var secondRebuild = gates.PauseNextBackfillWrite();

        var firstMark = world.Clock.GetUtcNow();
        var first = FirstPageAsync(world, reader);
        await AssertPausedAtAsync(firstRebuild, first);
        Assert.Equal(new TimelineReader(firstMark, firstMark), await ReaderAsync(world, reader));

        // A later instant, so that the two marks differ. The reader has just read, but the unfinished
        // mark makes the second read rebuild too.
        world.Clock.Advance(TimeSpan.FromSeconds(1));
        var secondMark = world.Clock.GetUtcNow();
        var second = FirstPageAsync(world, reader);
        await AssertPausedAtAsync(secondRebuild, second);
        Assert.Equal(new TimelineReader(secondMark, secondMark), await ReaderAsync(world, reader));

        firstRebuild.Open();
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await first);
        // The first rebuild's completion is a compare-and-set on its own mark: the second is still in progress.
        Assert.Equal(new TimelineReader(secondMark, secondMark), await ReaderAsync(world, reader));

        secondRebuild.Open();
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await second);
        Assert.Equal(new TimelineReader(secondMark, null), await ReaderAsync(world, reader));
        Assert.Equal([reader], await world.Readers().ActiveAmongAsync([reader], Ct));
    }

    [Fact]
    public async Task A_read_just_past_the_trusted_age_rebuilds_because_a_fan_out_within_the_margin_may_skip_the_reader()
    {
        var (world, gates, reader, author, posts) = await ActiveReaderAsync();
        var lastRead = world.Clock.GetUtcNow();
        // Just too old to trust: the read must rebuild, not merely record itself.
        world.Clock.Advance(world.Lifecycle.InactiveAfter - world.Lifecycle.ActivityMargin + TimeSpan.FromSeconds(1));
        var firstWrite = gates.PauseNextReaderWrite();
        var read = FirstPageAsync(world, reader);
        await AssertPausedAtAsync(firstWrite, read);

        // A fan-out whose clock is less than a margin later than the read's already judges the reader inactive.
        world.Clock.Advance(world.Lifecycle.ActivityMargin - TimeSpan.FromMilliseconds(1));
        Assert.True(world.Readers().ActiveSince() > lastRead);
        posts.Add(await world.PostAsync(author, 2));
        Assert.DoesNotContain(posts[^1].PostId, await world.RowsOfAsync(reader));

        firstWrite.Open();
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await read);
    }

    [Fact]
    public async Task A_trusting_read_whose_record_outlasts_the_margin_rebuilds_since_a_fan_out_may_have_skipped_the_reader_meanwhile()
    {
        var (world, gates, reader, author, posts) = await ActiveReaderAsync();
        var lastRead = world.Clock.GetUtcNow();
        // As old as a trusted last read can be: the read trusts the rows and records itself.
        world.Clock.Advance(world.Lifecycle.InactiveAfter - world.Lifecycle.ActivityMargin);
        var record = gates.PauseNextReaderWrite();
        var read = FirstPageAsync(world, reader);
        await AssertPausedAtAsync(record, read);

        // The record takes longer than the margin, and a fan-out meanwhile judges the reader inactive.
        world.Clock.Advance(world.Lifecycle.ActivityMargin + TimeSpan.FromMilliseconds(1));
        Assert.True(world.Readers().ActiveSince() > lastRead);
        posts.Add(await world.PostAsync(author, 2));
        Assert.DoesNotContain(posts[^1].PostId, await world.RowsOfAsync(reader));

        record.Open();
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await read);
    }

    /// <summary>A reader who has just read (now, on the world's clock) and follows an author, whose first post reached them as a row.</summary>
    private async Task<(TimelineWorld World, GatedStore Gates, Guid Reader, Guid Author, List<PostSummary> Posts)> ActiveReaderAsync()
    {
        var gates = new GatedStore(CreateStores());
        var world = new TimelineWorld(TimelineStores.All(gates));
        var reader = world.Modules.AddUser("reader");
        var author = world.Modules.AddUser("author");
        await world.ActivateAsync(reader);
        await world.FollowAsync(reader, author);
        var posts = new List<PostSummary> { await world.PostAsync(author, 1) };
        Assert.Equal([posts[0].PostId], await world.RowsOfAsync(reader));
        return (world, gates, reader, author, posts);
    }

    /// <summary>
    /// An active reader then away for longer than the inactivity limit: the author's second post,
    /// posted meanwhile, got no row.
    /// </summary>
    private async Task<(TimelineWorld World, GatedStore Gates, Guid Reader, Guid Author, List<PostSummary> Posts)> ReturningReaderAsync()
    {
        var (world, gates, reader, author, posts) = await ActiveReaderAsync();
        world.Clock.Advance(world.Lifecycle.InactiveAfter + TimeSpan.FromMinutes(1));
        posts.Add(await world.PostAsync(author, 2));
        Assert.Equal([posts[0].PostId], await world.RowsOfAsync(reader));
        return (world, gates, reader, author, posts);
    }

    /// <summary>The reader's first page through the GetTimeline handler (rebuilding first when due), checked well formed: post ids, newest first.</summary>
    private static async Task<List<Guid>> FirstPageAsync(TimelineWorld world, Guid reader)
    {
        var page = await world.ReadAsync(PageLimit, cursor: null, reader: reader);
        return TimelineWorld.AssertWellFormed([page], PageLimit);
    }

    private static async Task<TimelineReader?> ReaderAsync(TimelineWorld world, Guid reader) =>
        await world.Store.GetReaderAsync(reader, Ct);

    /// <summary>Waits until the read waits at the gate; fails (rather than hangs) if it ends without reaching it.</summary>
    private static async Task AssertPausedAtAsync(Gate gate, Task read)
    {
        if (await Task.WhenAny(gate.Arrived, read) == read)
        {
            await read;
            Assert.Fail("The read ended without reaching the gate.");
        }
    }

    /// <summary>Where one store call waits: the test learns that it arrived, then lets it through.</summary>
    private sealed class Gate
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Arrived => _arrived.Task;

        public void Open() => _opened.SetResult();

        public Task PassAsync(CancellationToken cancellationToken)
        {
            _arrived.SetResult();
            return _opened.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A store that holds the next write of a reader's activity (a recorded read or a rebuild mark), or
    /// the next backfill writes (one gate each, in order), at gates the test opens; every other call
    /// passes straight through.
    /// </summary>
    private sealed class GatedStore(TimelineStores inner) : ForwardingTimelineStore(inner)
    {
        private readonly ConcurrentQueue<Gate> _backfillWrites = new();
        private Gate? _readerWrite;

        public Gate PauseNextBackfillWrite()
        {
            var gate = new Gate();
            _backfillWrites.Enqueue(gate);
            return gate;
        }

        public Gate PauseNextReaderWrite() => _readerWrite = new Gate();

        public override async ValueTask AddTimelineEntriesAsync(Guid userId, IReadOnlyCollection<TimelineEntry> entries, CancellationToken cancellationToken)
        {
            if (_backfillWrites.TryDequeue(out var gate))
            {
                await gate.PassAsync(cancellationToken);
            }

            await base.AddTimelineEntriesAsync(userId, entries, cancellationToken);
        }

        public override async ValueTask StartRebuildAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken)
        {
            await PassReaderWriteGateAsync(cancellationToken);
            await base.StartRebuildAsync(userId, readOn, cancellationToken);
        }

        public override async ValueTask RecordReadAsync(Guid userId, DateTimeOffset readOn, CancellationToken cancellationToken)
        {
            await PassReaderWriteGateAsync(cancellationToken);
            await base.RecordReadAsync(userId, readOn, cancellationToken);
        }

        private async Task PassReaderWriteGateAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _readerWrite, null) is { } gate)
            {
                await gate.PassAsync(cancellationToken);
            }
        }
    }
}

/// <summary>The races on the in-memory stores.</summary>
public sealed class InMemoryInactiveReaderRaceTests : InactiveReaderRaces
{
    private protected override TimelineStores CreateStores() => TimelineStores.InMemory();
}
