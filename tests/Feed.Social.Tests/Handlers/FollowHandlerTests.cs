using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Problems;
using Feed.Social.Contracts;
using Feed.Social.Follows;
using Feed.Social.Follows.FollowUser;
using Feed.Social.Follows.GetFolloweeIds;
using Feed.Social.Follows.GetFollowerCount;
using Feed.Social.Follows.GetFollowerBatch;
using Feed.Social.Follows.ListFollows;
using Feed.Social.Follows.UnfollowUser;
using Feed.Social.InMemory;
using Feed.Testing;

namespace Feed.Social.Tests.Handlers;

public sealed class FollowHandlerTests : IDisposable
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SocialInMemory _social;
    private readonly IFollowStore _follows;
    private readonly FakeUsers _mediator;

    public FollowHandlerTests()
    {
        _social = new SocialInMemory(_clock);
        _mediator = new FakeUsers(_social.RegisteredUsers);
        _follows = _social.Follows;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _social.Dispose();

    private async Task FollowAsync(Guid follower, Guid followee)
    {
        await new FollowUserHandler(_follows, _mediator, _social.MessageTypes, _mediator, _clock).Handle(new FollowUser(follower, followee), Ct);
        _clock.Advance(TimeSpan.FromSeconds(1));
    }

    private async Task UnfollowAsync(Guid follower, Guid followee) =>
        await new UnfollowUserHandler(_follows, _mediator, _social.MessageTypes, _mediator, _clock).Handle(new UnfollowUser(follower, followee), Ct);

    [Fact]
    public void The_in_memory_storage_choice_selects_the_in_memory_store()
    {
        Assert.IsType<InMemoryFollowStore>(_follows);
    }

    [Fact]
    public async Task A_new_follow_is_announced_once_with_the_count_after_it()
    {
        var (alice, bob, carol) = (_mediator.AddUser(), _mediator.AddUser(), _mediator.AddUser());
        await FollowAsync(carol, bob);
        var followedOn = _clock.Now;

        await FollowAsync(alice, bob);
        await FollowAsync(alice, bob);

        Assert.Equal(
            [new UserFollowed(carol, bob, followedOn.AddSeconds(-1), 1), new UserFollowed(alice, bob, followedOn, 2)],
            await _social.TakeAnnouncedAsync());
        Assert.True(await _follows.IsFollowingAsync(alice, bob, Ct));
    }

    [Fact]
    public async Task Every_follow_and_unfollow_announces_the_follower_s_changed_following_in_process_even_when_nothing_changed()
    {
        var (alice, bob) = (_mediator.AddUser(), _mediator.AddUser());

        await FollowAsync(alice, bob);
        await FollowAsync(alice, bob);
        await UnfollowAsync(alice, bob);
        await UnfollowAsync(alice, bob);

        Assert.Equal(Enumerable.Repeat<object>(new FollowingChanged(alice), 4), _mediator.Published);
    }

    [Fact]
    public async Task Follow_announcements_are_outbox_messages_stamped_with_a_fresh_time_ordered_id_and_the_time()
    {
        var (alice, bob) = (_mediator.AddUser(), _mediator.AddUser());
        var followedOn = _clock.Now;

        await FollowAsync(alice, bob);
        var unfollowedOn = _clock.Now;
        await UnfollowAsync(alice, bob);

        var messages = await _social.PendingMessagesAsync();
        Assert.Equal(
            [("social.user_followed", followedOn), ("social.user_unfollowed", unfollowedOn)],
            messages.Select(message => (message.Type, message.CreatedOn)));
        Assert.All(messages, message => Assert.Equal(7, message.MessageId.Version));
        Assert.NotEqual(messages[0].MessageId, messages[1].MessageId);
    }

    [Fact]
    public async Task Following_an_unknown_user_is_not_found_and_stores_nothing()
    {
        var alice = _mediator.AddUser();
        var unknown = Guid.NewGuid();

        await Assert.ThrowsAsync<NotFoundException>(() => FollowAsync(alice, unknown));

        Assert.False(await _follows.IsFollowingAsync(alice, unknown, Ct));
        Assert.Empty(await _social.TakeAnnouncedAsync());
        Assert.Empty(_mediator.Published);
    }

    [Fact]
    public async Task An_unfollow_is_announced_only_when_a_follow_was_removed()
    {
        var (alice, bob, carol) = (_mediator.AddUser(), _mediator.AddUser(), _mediator.AddUser());
        await FollowAsync(alice, bob);
        await FollowAsync(carol, bob);
        await _social.TakeAnnouncedAsync();

        await UnfollowAsync(alice, bob);
        await UnfollowAsync(alice, bob);
        await UnfollowAsync(bob, carol);

        Assert.Equal([new UserUnfollowed(alice, bob, 1)], await _social.TakeAnnouncedAsync());
    }

    [Fact]
    public async Task Unfollowing_an_unknown_user_is_not_found()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => UnfollowAsync(_mediator.AddUser(), Guid.NewGuid()));
    }

    [Fact]
    public async Task Followers_are_listed_newest_first_with_usernames_from_one_lookup_per_page()
    {
        var bob = _mediator.AddUser("bob");
        var followers = new List<(Guid Id, DateTimeOffset At)>();
        for (var i = 0; i < 3; i++)
        {
            var follower = _mediator.AddUser();
            followers.Add((follower, _clock.Now));
            await FollowAsync(follower, bob);
        }

        var handler = new ListFollowsHandler(_follows, _mediator, TestCursors.Create());
        var queriesBefore = _mediator.UserQueries;
        var first = await handler.Handle(new ListFollows(bob, FollowDirection.Followers, PageRequest.Of(2)), Ct);
        var second = await handler.Handle(new ListFollows(bob, FollowDirection.Followers, PageRequest.Of(2, first.NextCursor)), Ct);

        Assert.Equal(2, _mediator.UserQueries - queriesBefore);
        Assert.Equal(
            followers.AsEnumerable().Reverse().Select(f => new FollowListItem(f.Id, _mediator.UsernameOf(f.Id), f.At)),
            first.Items.Concat(second.Items));
        Assert.NotNull(first.NextCursor);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task Following_is_listed_newest_first_with_usernames()
    {
        var alice = _mediator.AddUser();
        var (bob, carol) = (_mediator.AddUser("bob"), _mediator.AddUser("carol"));
        var bobAt = _clock.Now;
        await FollowAsync(alice, bob);
        var carolAt = _clock.Now;
        await FollowAsync(alice, carol);

        var page = await new ListFollowsHandler(_follows, _mediator, TestCursors.Create()).Handle(new ListFollows(alice, FollowDirection.Following, PageRequest.Of()), Ct);

        Assert.Equal([new FollowListItem(carol, "carol", carolAt), new FollowListItem(bob, "bob", bobAt)], page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task Lists_of_an_unknown_user_are_not_found()
    {
        await Assert.ThrowsAsync<NotFoundException>(async () =>
            await new ListFollowsHandler(_follows, _mediator, TestCursors.Create()).Handle(new ListFollows(Guid.NewGuid(), FollowDirection.Followers, PageRequest.Of()), Ct));
        await Assert.ThrowsAsync<NotFoundException>(async () =>
            await new ListFollowsHandler(_follows, _mediator, TestCursors.Create()).Handle(new ListFollows(Guid.NewGuid(), FollowDirection.Following, PageRequest.Of()), Ct));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(7, 3)]
    [InlineData(9, 3)]
    [InlineData(9, 10_000)]
    public async Task Follower_batches_walk_every_follower_once_then_stop(int followerCount, int batchSize)
    {
        var followee = _mediator.AddUser();
        var followers = Enumerable.Range(0, followerCount).Select(_ => _mediator.AddUser()).ToArray();
        foreach (var follower in followers)
        {
            // Same instant for all: the walk must rely on the follower id to move on.
            await _follows.FollowAsync(follower, followee, _clock.Now, count => _social.MessageTypes.Wrap(
                new UserFollowed(follower, followee, _clock.Now, count), Guid.CreateVersion7(), _clock.Now), Ct);
        }

        var handler = new GetFollowerBatchHandler(_follows);
        var seen = new List<Guid>();
        string? cursor = null;
        var batches = 0;
        do
        {
            var batch = await handler.Handle(new GetFollowerBatch(followee, cursor, batchSize), Ct);
            Assert.True(batch.FollowerIds.Count <= batchSize);
            seen.AddRange(batch.FollowerIds);
            cursor = batch.NextCursor;
            batches++;
            // A cursor that fails to move on would walk forever: fail instead of hanging.
            Assert.True(batches <= 10_000, "The walk did not end.");
        }
        while (cursor is not null);

        Assert.Equal(followers.Order(), seen.Order());
        Assert.Equal(Math.Max(1, (followerCount + batchSize - 1) / batchSize), batches);
    }

    [Fact]
    public async Task Followee_ids_are_everyone_the_user_follows()
    {
        var alice = _mediator.AddUser();
        var followees = Enumerable.Range(0, 3).Select(_ => _mediator.AddUser()).ToArray();
        foreach (var followee in followees)
        {
            await FollowAsync(alice, followee);
        }

        var ids = await new GetFolloweeIdsHandler(_follows).Handle(new GetFolloweeIds(alice), Ct);

        Assert.Equal(followees.Order(), ids.Order());
    }

    /// <summary>What Users reviews the influencer status from: the count now, not the one a (late) message carries.</summary>
    [Fact]
    public async Task The_follower_count_is_the_count_now()
    {
        var (alice, bob, carol) = (_mediator.AddUser(), _mediator.AddUser(), _mediator.AddUser());
        var handler = new GetFollowerCountHandler(_follows);
        Assert.Equal(0, await handler.Handle(new GetFollowerCount(carol), Ct));

        await FollowAsync(alice, carol);
        await FollowAsync(bob, carol);
        await UnfollowAsync(alice, carol);

        Assert.Equal(1, await handler.Handle(new GetFollowerCount(carol), Ct));
    }
}
