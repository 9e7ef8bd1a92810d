using Feed.Timeline.Live;

namespace Feed.Timeline.Tests.Live;

/// <summary>A client that reads slower than events arrive: the buffer keeps the newest, and the client learns it missed some.</summary>
public sealed class LiveConnectionTests
{
    [Fact]
    public void A_full_buffer_drops_the_oldest_events_and_flags_the_client_once()
    {
        var connection = new LiveConnection(Guid.NewGuid(), capacity: 2);
        var posts = Enumerable.Range(0, 5).Select(i => new LivePost(Guid.NewGuid(), DateTimeOffset.UnixEpoch.AddSeconds(i))).ToList();

        connection.Offer(LiveEvent.Added, posts);

        Assert.True(connection.TakeMissed());
        Assert.False(connection.TakeMissed());
        var kept = new List<LivePost>();
        while (connection.Events.TryRead(out var item))
        {
            kept.Add(item.Post);
        }

        Assert.Equal(posts[3..], kept);
    }

    [Fact]
    public void A_buffer_that_never_fills_misses_nothing()
    {
        var connection = new LiveConnection(Guid.NewGuid(), capacity: 8);

        connection.Offer(LiveEvent.Removed, [new LivePost(Guid.NewGuid(), DateTimeOffset.UnixEpoch)]);

        Assert.False(connection.TakeMissed());
        Assert.True(connection.Events.TryRead(out var item));
        Assert.Equal(LiveEvent.Removed, item.Type);
    }

    [Fact]
    public async Task A_stream_told_it_missed_events_wakes_and_is_flagged_once()
    {
        var connection = new LiveConnection(Guid.NewGuid(), capacity: 8);

        connection.Missed();

        Assert.True(await connection.Events.WaitToReadAsync(TestContext.Current.CancellationToken));
        Assert.True(connection.TakeMissed());
        Assert.False(connection.TakeMissed());
    }

    [Fact]
    public void Only_followed_authors_are_followed()
    {
        var connection = new LiveConnection(Guid.NewGuid(), capacity: 8);
        var followed = Guid.NewGuid();

        connection.SetFollowees(connection.StartRefresh(), [followed]);

        Assert.True(connection.Follows(followed));
        Assert.False(connection.Follows(Guid.NewGuid()));
    }
}
