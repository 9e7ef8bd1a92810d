using Feed.Timeline.ReaderLifecycle;

namespace Feed.Timeline.Tests.StoreContracts;

/// <summary>What every <see cref="ITimelineReaderStore"/> adapter must do (reader activity and rebuild marks); each adapter's test class derives from this.</summary>
public abstract class TimelineReaderStoreContract : TimelineStoreContract
{
    [Fact]
    public async Task A_user_who_never_read_is_unknown_and_never_active()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();

        await stores.Readers.RecordReadAsync(user, ReadEpoch, Ct);
        await stores.Readers.CompleteRebuildAsync(user, ReadEpoch, Ct);

        Assert.Null(await stores.Readers.GetReaderAsync(user, Ct));
        Assert.Empty(await stores.Readers.GetActiveReadersAsync([user], DateTimeOffset.MinValue, Ct));
    }

    [Fact]
    public async Task A_rebuild_marks_the_read_and_only_its_own_completion_clears_the_mark()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var first = ReadEpoch.AddMilliseconds(123);
        var second = first.AddMinutes(5);

        await stores.Readers.StartRebuildAsync(user, first, Ct);
        Assert.Equal(new TimelineReader(first, first), await stores.Readers.GetReaderAsync(user, Ct));

        // A second rebuild started meanwhile: the first one's completion must not clear its mark.
        await stores.Readers.StartRebuildAsync(user, second, Ct);
        await stores.Readers.CompleteRebuildAsync(user, first, Ct);
        Assert.Equal(new TimelineReader(second, second), await stores.Readers.GetReaderAsync(user, Ct));

        await stores.Readers.CompleteRebuildAsync(user, second, Ct);
        Assert.Equal(new TimelineReader(second, null), await stores.Readers.GetReaderAsync(user, Ct));

        // A rebuild stamped earlier (another instance's clock) never moves the last read back.
        await stores.Readers.StartRebuildAsync(user, first, Ct);
        Assert.Equal(new TimelineReader(second, first), await stores.Readers.GetReaderAsync(user, Ct));
    }

    [Fact]
    public async Task Recording_a_read_moves_the_last_read_forward_only_and_keeps_a_pending_rebuild()
    {
        var stores = CreateStores();
        var user = Guid.NewGuid();
        var marked = ReadEpoch;
        await stores.Readers.StartRebuildAsync(user, marked, Ct);

        await stores.Readers.RecordReadAsync(user, marked.AddHours(1), Ct);
        await stores.Readers.RecordReadAsync(user, marked.AddMinutes(30), Ct);

        Assert.Equal(new TimelineReader(marked.AddHours(1), marked), await stores.Readers.GetReaderAsync(user, Ct));
    }

    [Fact]
    public async Task Active_readers_are_those_who_read_at_or_after_the_limit_in_one_call()
    {
        var stores = CreateStores();
        var recent = Guid.NewGuid();
        var exactlyAtLimit = Guid.NewGuid();
        var old = Guid.NewGuid();
        var rebuilding = Guid.NewGuid();
        var never = Guid.NewGuid();
        var limit = ReadEpoch.AddDays(-14);
        await stores.Readers.StartRebuildAsync(recent, ReadEpoch, Ct);
        await stores.Readers.CompleteRebuildAsync(recent, ReadEpoch, Ct);
        await stores.Readers.StartRebuildAsync(exactlyAtLimit, limit, Ct);
        await stores.Readers.CompleteRebuildAsync(exactlyAtLimit, limit, Ct);
        await stores.Readers.StartRebuildAsync(old, limit.AddMilliseconds(-1), Ct);
        await stores.Readers.CompleteRebuildAsync(old, limit.AddMilliseconds(-1), Ct);
        await stores.Readers.StartRebuildAsync(rebuilding, ReadEpoch, Ct);

        var active = await stores.Readers.GetActiveReadersAsync([recent, exactlyAtLimit, old, rebuilding, never, recent], limit, Ct);

        Assert.Equal(new[] { recent, exactlyAtLimit, rebuilding }.Order(), active.Order());
        Assert.Empty(await stores.Readers.GetActiveReadersAsync([], limit, Ct));
    }
}
