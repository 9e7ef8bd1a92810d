using Feed.Social.Contracts;
using Feed.Testing;
using Feed.Timeline.Live;
using Feed.Timeline.ReaderLifecycle;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Tests.Live;

/// <summary>The hub keeps each open stream's followees current, whatever order its reads of them finish in.</summary>
public sealed class LiveTimelineHubTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_slow_read_of_the_followees_does_not_overwrite_a_newer_one()
    {
        var reader = Guid.NewGuid();
        var (followed, followedNext) = (Guid.NewGuid(), Guid.NewGuid());
        var slowReadStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowReadMayFinish = new ManualResetEventSlim();
        var reads = 0;
        var mediator = new FakeMediator();
        mediator.Answer<GetFolloweeIds, IReadOnlyList<Guid>>(_ => Interlocked.Increment(ref reads) switch
        {
            1 => [followed],
            // A refresh that read before the second follow committed, and finishes last.
            2 => SlowRead(),
            _ => [followed, followedNext],
        });
        IReadOnlyList<Guid> SlowRead()
        {
            slowReadStarted.SetResult();
            slowReadMayFinish.Wait(Ct);
            return [followed];
        }

        var hub = new LiveTimelineHub(
            new ServiceCollection().AddSingleton<ISender>(mediator).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new LiveOptions()),
            Options.Create(new TimelineLifecycleOptions()),
            NullLogger<LiveTimelineHub>.Instance);
        var connection = (await hub.ConnectAsync(reader, Ct))!;
        var changed = new LiveTimelineMessage(LiveMessageKind.ReaderFollowingChanged, reader, []);

        var slow = Task.Run(() => hub.Receive(changed), Ct);
        await slowReadStarted.Task.WaitAsync(Patience.Timeout, Ct);
        hub.Receive(changed);
        Assert.True(connection.Follows(followedNext));
        slowReadMayFinish.Set();
        await slow.WaitAsync(Patience.Timeout, Ct);

        Assert.True(connection.Follows(followedNext));
    }

    [Fact]
    public async Task A_resync_tells_every_open_stream_to_read_again()
    {
        var mediator = new FakeMediator();
        mediator.Answer<GetFolloweeIds, IReadOnlyList<Guid>>(_ => []);
        var hub = new LiveTimelineHub(
            new ServiceCollection().AddSingleton<ISender>(mediator).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new LiveOptions()),
            Options.Create(new TimelineLifecycleOptions()),
            NullLogger<LiveTimelineHub>.Instance);
        var streams = new[] { (await hub.ConnectAsync(Guid.NewGuid(), Ct))!, (await hub.ConnectAsync(Guid.NewGuid(), Ct))! };
        Assert.All(streams, stream => Assert.False(stream.TakeMissed()));

        hub.Receive(new LiveTimelineMessage(LiveMessageKind.Resync, Guid.Empty, []));

        Assert.All(streams, stream => Assert.True(stream.TakeMissed()));
    }
}
