namespace Feed.Timeline.Tests.StoreContracts;

/// <summary>What every <see cref="IFanOutProgressStore"/> adapter must do (fan-out progress); each adapter's test class derives from this.</summary>
public abstract class FanOutProgressStoreContract : TimelineStoreContract
{
    [Fact]
    public async Task Fan_out_progress_is_kept_per_post_until_the_fan_out_is_done()
    {
        var stores = CreateStores();
        var post = Guid.NewGuid();
        var other = Guid.NewGuid();
        Assert.Null(await stores.FanOutProgress.GetFanOutProgressAsync(post, Ct));

        await stores.FanOutProgress.SaveFanOutProgressAsync(post, "after-batch-1", Ct);
        await stores.FanOutProgress.SaveFanOutProgressAsync(other, "elsewhere", Ct);
        await stores.FanOutProgress.SaveFanOutProgressAsync(post, "after-batch-2", Ct);
        Assert.Equal("after-batch-2", await stores.FanOutProgress.GetFanOutProgressAsync(post, Ct));

        await stores.FanOutProgress.SaveFanOutProgressAsync(post, null, Ct);
        Assert.Null(await stores.FanOutProgress.GetFanOutProgressAsync(post, Ct));
        Assert.Equal("elsewhere", await stores.FanOutProgress.GetFanOutProgressAsync(other, Ct));
    }
}
