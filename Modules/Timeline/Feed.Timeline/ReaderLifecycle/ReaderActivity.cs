using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.ReaderLifecycle;

/// <summary>
/// Who reads their timeline. Fan-out and follow backfills skip users who have not read it for
/// <see cref="TimelineLifecycleOptions.InactiveAfter"/> (or never did); such a user's next read first
/// rebuilds the timeline from the follow graph.
/// <para>
/// Why nothing is lost: a read that finds its user inactive (or a rebuild unfinished) first marks the
/// user active with a rebuild started, and only then reads the graph and each followee's recent posts.
/// A post committed before that read is in the backfill; a post committed after it is fanned out after
/// the mark, which includes the user. A crash before the rebuild completes leaves the mark, so the
/// next read rebuilds again (every write is idempotent).
/// </para>
/// <para>
/// A read that finds its user active rebuilds nothing, which is safe only if no fan-out can have
/// skipped the user: it requires the last recorded read to be <see cref="TimelineLifecycleOptions.ActivityMargin"/>
/// younger than the inactivity limit, and when it records the new read it checks that the write took
/// less than that margin. A fan-out skips only a user whose last read is older than the limit at its own,
/// later, clock, so none can skip this user before the new read is recorded.
/// </para>
/// </summary>
internal sealed partial class ReaderActivity(
    ISender sender,
    ITimelineReaderStore store,
    TimelineBackfill backfill,
    IOptions<TimelineLifecycleOptions> options,
    TimeProvider time,
    ILogger<ReaderActivity> logger)
{
    /// <summary>Those of <paramref name="userIds"/> who read their timeline within the inactivity limit, in one store read.</summary>
    public ValueTask<IReadOnlyCollection<Guid>> ActiveAmongAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken) =>
        userIds.Count == 0
            ? ValueTask.FromResult<IReadOnlyCollection<Guid>>([])
            : store.GetActiveReadersAsync(userIds, ActiveSince(), cancellationToken);

    /// <summary>The earliest last read of a user fan-out still writes to (the inactivity limit, from now).</summary>
    public DateTimeOffset ActiveSince() => time.GetUtcNow() - options.Value.InactiveAfter;

    public async ValueTask<bool> IsActiveAsync(Guid userId, CancellationToken cancellationToken) =>
        (await ActiveAmongAsync([userId], cancellationToken)).Count > 0;

    /// <summary>
    /// Starts a timeline read: records it and, for a user that fan-out may have skipped, rebuilds the
    /// timeline first. Returns whom the user follows now (read after any rebuild mark), and until when
    /// further reads need not be recorded (the last recorded read plus the activity margin).
    /// </summary>
    public async ValueTask<TimelineRead> BeginReadAsync(Guid userId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNowMilliseconds();
        var reader = await store.GetReaderAsync(userId, cancellationToken);
        if (reader is { RebuildStartedOn: null } && reader.LastReadOn >= now - settings.InactiveAfter + settings.ActivityMargin)
        {
            if (now - reader.LastReadOn < settings.ActivityMargin)
            {
                return new TimelineRead(await sender.Send(new GetFolloweeIds(userId), cancellationToken), reader.LastReadOn + settings.ActivityMargin);
            }

            await store.RecordReadAsync(userId, now, cancellationToken);
            if (time.GetUtcNow() - now < settings.ActivityMargin)
            {
                return new TimelineRead(await sender.Send(new GetFolloweeIds(userId), cancellationToken), now + settings.ActivityMargin);
            }

            // The write took so long that a fan-out may have judged the user inactive meanwhile: rebuild.
        }

        var startedOn = time.GetUtcNowMilliseconds();
        await store.StartRebuildAsync(userId, startedOn, cancellationToken);
        var followees = await sender.Send(new GetFolloweeIds(userId), cancellationToken);
        await backfill.RunAsync(userId, followees, cancellationToken);
        await store.CompleteRebuildAsync(userId, startedOn, cancellationToken);
        LogRebuilt(logger, userId, followees.Count, reader?.LastReadOn);
        return new TimelineRead(followees, startedOn + settings.ActivityMargin, Rebuilt: true);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rebuilt the timeline of {UserId} from {FolloweeCount} followees (last read {LastReadOn})")]
    private static partial void LogRebuilt(ILogger logger, Guid userId, int followeeCount, DateTimeOffset? lastReadOn);
}

/// <summary>A read begun: whom the reader follows, until when the reader's next reads need not be recorded, and whether the timeline was rebuilt first.</summary>
internal sealed record TimelineRead(IReadOnlyList<Guid> Followees, DateTimeOffset RecordedUntil, bool Rebuilt = false);
