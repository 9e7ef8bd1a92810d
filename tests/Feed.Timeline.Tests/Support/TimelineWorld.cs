using Feed.SharedKernel.Paging;
using Feed.Social.Contracts;
using Feed.Testing;
using Feed.Timeline.Contracts;
using Feed.Timeline.FanOut;
using Feed.Timeline.Live;
using Feed.Timeline.Notifications.OnFollowingChanged;
using Feed.Timeline.Notifications.OnInfluencerStatusChanged;
using Feed.Timeline.Notifications.OnPostCreated;
using Feed.Timeline.Notifications.OnPostDeleted;
using Feed.Timeline.Notifications.OnUserFollowed;
using Feed.Timeline.Notifications.OnUserUnfollowed;
using Feed.Timeline.ReaderLifecycle;
using Feed.Timeline.Timelines.GetTimeline;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Feed.Timeline.Tests.Support;

/// <summary>
/// A timeline store filled directly the way fan-out would fill it (rows for pushed posts,
/// influencer_posts for pulled ones; the store first, then the cache), plus the other modules, and
/// a reader to page through it. Without a cache given, there is none (as with Cache = None).
/// The lifecycle parts (fan-out's activity filter, backfills, rebuilds) run on <see cref="Clock"/>;
/// <see cref="Reader"/> starts active (has just read), everyone else has never read.
/// </summary>
internal sealed class TimelineWorld
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TimelineWorld(ITimelineCache? cache = null)
        : this(TimelineStores.InMemory(), cache)
    {
    }

    public TimelineWorld(TimelineStores stores, ITimelineCache? cache = null)
    {
        Store = new RecordingTimelineStore(stores);
        Cache = cache ?? new NoTimelineCache();
        Reader = Modules.AddUser("reader");

        // Social announces every follow and unfollow in process before the request returns.
        Modules.FollowingChanged += follower =>
            new FollowingChangedHandler(Cache).Handle(new FollowingChanged(follower), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        ActivateAsync(Reader).GetAwaiter().GetResult();
    }

    public FakeTimeProvider Clock { get; } = new(Epoch.AddDays(30));

    public TimelineLifecycleOptions Lifecycle { get; } = new();

    public RecordingTimelineStore Store { get; }

    public ITimelineCache Cache { get; }

    public FakeModules Modules { get; } = new();

    public Guid Reader { get; }

    public static DateTimeOffset At(long millis) => Epoch.AddMilliseconds(millis);

    /// <summary>A post delivered as timeline rows to the given users.</summary>
    public async Task<TimelinePost> PushAsync(Guid authorId, long millis, IReadOnlyCollection<Guid> to, Guid? postId = null)
    {
        var post = await SaveAsync(authorId, millis, postId);
        await DeliverRowsAsync(to, post);
        return post;
    }

    /// <summary>A post delivered as an influencer_posts row.</summary>
    public async Task<TimelinePost> PublishAsInfluencerAsync(Guid authorId, long millis, Guid? postId = null)
    {
        var post = await SaveAsync(authorId, millis, postId);
        await DeliverToInfluencerPostsAsync(post);
        return post;
    }

    /// <summary>Timeline rows for the given users, as fan-out writes them: the store, then the cache.</summary>
    public async Task DeliverRowsAsync(IReadOnlyCollection<Guid> to, TimelinePost post)
    {
        await Store.AddTimelineRowsAsync(to, post.ToEntry(), TestContext.Current.CancellationToken);
        await Cache.AddAsync(CachedList.Timeline, to, post.ToEntry(), TestContext.Current.CancellationToken);
    }

    /// <summary>An influencer_posts row, as fan-out writes it: the store, then, unless the store refused a removed post, the cache.</summary>
    public async Task DeliverToInfluencerPostsAsync(TimelinePost post)
    {
        if (await Store.AddInfluencerPostAsync(post.ToEntry(), TestContext.Current.CancellationToken))
        {
            await Cache.AddAsync(CachedList.InfluencerPosts, [post.AuthorId], post.ToEntry(), TestContext.Current.CancellationToken);
            await PulledAuthors().AnnounceAsync(post.AuthorId, TestContext.Current.CancellationToken);
        }
    }

    public async Task<TimelinePost> SaveAsync(Guid authorId, long millis, Guid? postId = null)
    {
        var post = new TimelinePost(postId ?? Guid.NewGuid(), authorId, $"https://cdn.example/{Guid.NewGuid():N}.jpg", "image", At(millis));
        await Store.SavePostAsync(post, TestContext.Current.CancellationToken);
        return post;
    }

    public async Task DeleteAsync(TimelinePost post)
    {
        await Store.RemovePostAsync(post.AuthorId, post.PostId, TestContext.Current.CancellationToken);
        await Cache.RemovePostAsync(post.AuthorId, post.PostId, TestContext.Current.CancellationToken);
    }

    public async Task<TimelinePage> ReadAsync(int limit, string? cursor, int groupSize = 3, int postsPerInfluencer = 5, Guid? reader = null)
    {
        var options = Options.Create(new TimelineOptions { InfluencerGroupSize = groupSize, PostsPerInfluencer = postsPerInfluencer });
        var handler = new GetTimelineHandler(Modules, Store, Store, Cache, options, ReaderStates(), TestCursors.Create());
        return await handler.Handle(new GetTimeline(reader ?? Reader, PageRequest.Of(limit, cursor)), TestContext.Current.CancellationToken);
    }

    /// <summary>Marks users as having read their timeline now, with no rebuild pending.</summary>
    public async Task ActivateAsync(params Guid[] users)
    {
        var now = Clock.GetUtcNow();
        foreach (var user in users)
        {
            await Store.StartRebuildAsync(user, now, CancellationToken.None);
            await Store.CompleteRebuildAsync(user, now, CancellationToken.None);
        }
    }

    /// <summary>The live bus of this world's one process: what the handlers announce to open streams.</summary>
    public InMemoryLiveTimelineBus LiveBus { get; } = new();

    public LiveTimelineEvents LiveEvents() => new(LiveBus, NullLogger<LiveTimelineEvents>.Instance);

    public TimelineBackfill Backfill() => new(Modules, Store, Store, Cache, Options.Create(Lifecycle));

    public ReaderActivity Readers() => new(Modules, Store, Backfill(), Options.Create(Lifecycle), Clock, NullLogger<ReaderActivity>.Instance);

    public ReaderStates ReaderStates() => new(Cache, Store, Readers(), Clock);

    public PulledAuthors PulledAuthors() => new(Modules, Store, Cache, Options.Create(new TimelineOptions()));

    public FanOutPost FanOut(int batchSize = 1000) => FanOut(TimelineStores.All(Store), batchSize);

    public FanOutPost FanOut(TimelineStores stores, int batchSize) =>
        new(Modules, stores.Posts, stores.Rows, stores.FanOutProgress, Cache, Options.Create(new TimelineOptions { FanOutBatchSize = batchSize }), Readers(), PulledAuthors());

    public PostCreatedHandler CreatedHandler(int batchSize = 1000) => new(Store, FanOut(batchSize), LiveEvents());

    public UserFollowedHandler FollowedHandler() => new(Modules, Cache, Readers(), Backfill(), UnfollowedRows(), LiveEvents());

    public UserUnfollowedHandler UnfollowedHandler() => new(Cache, UnfollowedRows(), LiveEvents());

    public UnfollowedAuthorRows UnfollowedRows() => new(Modules, Store, Cache, Readers(), Backfill());

    public InfluencerStatusChangedHandler StatusChangedHandler() =>
        new(Modules, Store, Cache, PulledAuthors(), Options.Create(Lifecycle), NullLogger<InfluencerStatusChangedHandler>.Instance);

    public PostDeletedHandler DeletedHandler(int batchSize = 1000) =>
        new(Store, Cache, new DeletedPostRows(Modules, Store, Store, Cache, Options.Create(new TimelineOptions { FanOutBatchSize = batchSize })), LiveEvents());

    /// <summary>Follows next_cursor from the first page to the last; stops (and fails) on a runaway loop.</summary>
    public async Task<List<TimelinePage>> ReadAllAsync(int limit, int groupSize = 3, int postsPerInfluencer = 5, int maxPages = 1000)
    {
        var pages = new List<TimelinePage>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync(limit, cursor, groupSize, postsPerInfluencer);
            pages.Add(page);
            cursor = page.NextCursor;
            Assert.True(pages.Count <= maxPages, "Paging did not end.");
        }
        while (cursor is not null);

        return pages;
    }

    /// <summary>The paging guarantee: full pages but the last, null cursor exactly on the last, no empty page after a cursor.</summary>
    public static List<Guid> AssertWellFormed(List<TimelinePage> pages, int limit)
    {
        for (var i = 0; i < pages.Count - 1; i++)
        {
            Assert.Equal(limit, pages[i].Items.Count);
            Assert.NotNull(pages[i].NextCursor);
        }

        var last = pages[^1];
        Assert.Null(last.NextCursor);
        Assert.InRange(last.Items.Count, pages.Count == 1 ? 0 : 1, limit);

        var all = pages.SelectMany(page => page.Items).ToList();
        var outOfOrder = PageOrder.FirstOutOfOrder(all, item => item.CreatedOn, item => item.PostId);
        Assert.True(outOfOrder < 0, $"Item {outOfOrder} is out of order or repeated.");

        return all.Select(item => item.PostId).ToList();
    }

    /// <summary>The brute-force answer: every given post, in page order (worked out apart from SequenceKey).</summary>
    public static List<Guid> InPageOrder(IEnumerable<TimelinePost> posts) =>
        PageOrder.NewestFirst(posts, post => post.CreatedOn, post => post.PostId).Select(post => post.PostId).ToList();
}
