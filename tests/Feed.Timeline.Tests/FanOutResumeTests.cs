using Feed.Timeline.FanOut;
using Feed.Timeline.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Tests;

/// <summary>A fan-out that fails or is stopped part-way records how far it got and, retried, resumes there.</summary>
public sealed class FanOutResumeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_retried_fan_out_resumes_after_the_last_batch_it_recorded()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        var followers = Enumerable.Range(0, 10).Select(i => world.Modules.AddUser($"follower_{i}")).ToList();
        followers.ForEach(follower => world.Modules.Follow(follower, author));
        await world.ActivateAsync([.. followers]);
        var post = await world.PushAsync(author, 1, []); // saved, not yet delivered

        // The fourth batch write fails, as a crash or a lost database connection would.
        var failing = new FailingOnWrite(TimelineStores.All(world.Store), failOnWrite: 4);
        var first = world.FanOut(TimelineStores.All(failing), batchSize: 2);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await first.RunAsync(post, Ct));
        Assert.NotNull(await world.Store.GetFanOutProgressAsync(post.PostId, Ct));
        var queriesBefore = world.Modules.FollowerBatchQueries.Count;

        await world.FanOut(batchSize: 2).RunAsync(post, Ct);

        // Batches 1-3 were recorded: the retry reads only batches 4 and 5.
        Assert.Equal(2, world.Modules.FollowerBatchQueries.Count - queriesBefore);
        await AssertDeliveredOnceAndDoneAsync(world, post, followers);
    }

    [Fact]
    public async Task A_fan_out_stopped_by_a_shutdown_finishes_the_batch_in_hand_records_it_and_resumes_after_it()
    {
        var world = new TimelineWorld();
        var author = world.Modules.AddUser("author");
        var followers = Enumerable.Range(0, 10).Select(i => world.Modules.AddUser($"follower_{i}")).ToList();
        followers.ForEach(follower => world.Modules.Follow(follower, author));
        await world.ActivateAsync([.. followers]);
        var post = await world.PushAsync(author, 1, []);

        // The host begins to stop while the first batch is being written.
        using var lifetime = new StoppingLifetime();
        var stopping = new StoppingOnWrite(TimelineStores.All(world.Store), lifetime);
        var options = Options.Create(new TimelineOptions { FanOutBatchSize = 2, FanOutConcurrency = 1 });
        var first = new FanOutPost(world.Modules, stopping, stopping, stopping, world.Cache, options, world.Readers(), world.PulledAuthors(), metrics: null, lifetime);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await first.RunAsync(post, Ct));

        // The batch in hand was written in full and recorded; no other batch was started.
        Assert.Equal(1, stopping.Writes);
        var delivered = 0;
        foreach (var follower in followers)
        {
            delivered += (await world.Store.GetTimelineRowsAsync(follower, null, 10, Ct)).Count;
        }

        Assert.Equal(2, delivered);
        Assert.NotNull(await world.Store.GetFanOutProgressAsync(post.PostId, Ct));
        var queriesBefore = world.Modules.FollowerBatchQueries.Count;

        await world.FanOut(batchSize: 2).RunAsync(post, Ct);

        Assert.Equal(4, world.Modules.FollowerBatchQueries.Count - queriesBefore);
        await AssertDeliveredOnceAndDoneAsync(world, post, followers);
    }

    /// <summary>Every follower has the post exactly once, and no fan-out progress is left for it.</summary>
    private static async Task AssertDeliveredOnceAndDoneAsync(TimelineWorld world, TimelinePost post, IEnumerable<Guid> followers)
    {
        foreach (var follower in followers)
        {
            Assert.Equal(post.PostId, Assert.Single(await world.Store.GetTimelineRowsAsync(follower, null, 10, Ct)).PostId);
        }

        Assert.Null(await world.Store.GetFanOutProgressAsync(post.PostId, Ct));
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }

    private sealed class StoppingOnWrite(TimelineStores inner, StoppingLifetime lifetime) : ForwardingTimelineStore(inner)
    {
        private int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public override ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, DateTimeOffset readSince, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            lifetime.StopApplication();
            return base.AddActiveTimelineRowsAsync(userIds, entry, readSince, cancellationToken);
        }
    }

    private sealed class FailingOnWrite(TimelineStores inner, int failOnWrite) : ForwardingTimelineStore(inner)
    {
        private int _writes;

        public override ValueTask<IReadOnlyCollection<Guid>> AddActiveTimelineRowsAsync(IReadOnlyCollection<Guid> userIds, TimelineEntry entry, DateTimeOffset readSince, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _writes) == failOnWrite
                ? ValueTask.FromException<IReadOnlyCollection<Guid>>(new InvalidOperationException("connection lost"))
                : base.AddActiveTimelineRowsAsync(userIds, entry, readSince, cancellationToken);
    }
}
