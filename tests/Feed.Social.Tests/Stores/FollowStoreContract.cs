using Feed.SharedKernel.Problems;
using CsCheck;
using System.Globalization;
using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;
using Feed.Social.Follows;
using Feed.Testing;

namespace Feed.Social.Tests.Stores;

/// <summary>
/// What every <see cref="IFollowStore"/> adapter must do. Each adapter's test class derives from this
/// and supplies the store and a way to find what it stored in its outbox; tests use fresh user and
/// message ids, so a store may be shared between them.
/// </summary>
public abstract class FollowStoreContract : SocialStoreContract
{
    private protected abstract IFollowStore CreateStore();

    [Fact]
    public async Task A_follow_by_or_of_a_user_that_does_not_exist_is_refused_and_nothing_is_stored_or_announced()
    {
        var store = CreateStore();
        var user = NewUser();
        var messageId = Guid.NewGuid();

        await Assert.ThrowsAsync<NotFoundException>(async () => await store.FollowAsync(Guid.NewGuid(), user, Epoch, count => Announcement(messageId, count), Ct));
        await Assert.ThrowsAsync<NotFoundException>(async () => await store.FollowAsync(user, Guid.NewGuid(), Epoch, count => Announcement(messageId, count), Ct));

        Assert.Equal(0, await store.CountFollowersAsync(user, Ct));
        Assert.Empty(await store.ListAllFolloweeIdsAsync(user, Ct));
        Assert.Null(await FindAnnouncementAsync(messageId));
    }

    /// <summary>An announcement naming the follower count it was built from (its payload), with a fresh id.</summary>
    private static OutboxMessage Announce(long followerCount) => Announcement(Guid.NewGuid(), followerCount);

    private static OutboxMessage Announcement(Guid messageId, long followerCount) =>
        new(messageId, "test.follow_changed", followerCount.ToString(CultureInfo.InvariantCulture), Epoch);

    private async Task<List<OutboxMessage>> FoundAsync(IEnumerable<Guid> messageIds)
    {
        var found = new List<OutboxMessage>();
        foreach (var messageId in messageIds)
        {
            if (await FindAnnouncementAsync(messageId) is { } message)
            {
                found.Add(message);
            }
        }

        return found;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<FollowEntry> NewestFirst(IEnumerable<FollowEntry> entries) =>
        PageOrder.NewestFirst(entries, entry => entry.FollowedOn, entry => entry.UserId);

    private static async Task<List<FollowEntry>> ReadAllPagesAsync(
        Func<Cursor?, int, ValueTask<IReadOnlyList<FollowEntry>>> read, Func<int> nextLimit)
    {
        var all = new List<FollowEntry>();
        Cursor? cursor = null;
        for (var pages = 1; ; pages++)
        {
            // A cursor that fails to move on would page forever; no test here needs this many pages.
            Assert.True(pages <= 10_000, "paging never reached an empty page");
            var limit = nextLimit();
            var page = await read(cursor, limit);
            Assert.True(page.Count <= limit, $"a page held {page.Count} entries for limit {limit}");
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
            cursor = new Cursor(page[^1].FollowedOn, page[^1].UserId);
        }
    }

    [Fact]
    public async Task A_new_follow_changes_and_counts_one()
    {
        var store = CreateStore();
        var (follower, followee) = (NewUser(), NewUser());

        var change = await store.FollowAsync(follower, followee, Epoch, Announce, Ct);

        Assert.Equal(new FollowChange(true, 1), change);
        Assert.True(await store.IsFollowingAsync(follower, followee, Ct));
        Assert.Equal(1, await store.CountFollowersAsync(followee, Ct));
        Assert.Equal([new FollowEntry(follower, Epoch)], await store.ListFollowersAsync(followee, null, 10, Ct));
        Assert.Equal([new FollowEntry(followee, Epoch)], await store.ListFolloweesAsync(follower, null, 10, Ct));
    }

    [Fact]
    public async Task Concurrent_follows_of_one_pair_in_the_same_millisecond_make_one_follow()
    {
        var store = CreateStore();

        // Same pair, same followed_on: they clash on every unique key at once, not only on the pair.
        // The clash needs two inserts to pass their first check together, so many pairs are raced.
        for (var pair = 0; pair < 20; pair++)
        {
            var (follower, followee) = (NewUser(), NewUser());
            var changes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => store.FollowAsync(follower, followee, Epoch, Announce, Ct).AsTask()));

            Assert.Single(changes, change => change.Changed);
            Assert.Equal(1, await store.CountFollowersAsync(followee, Ct));
            Assert.Equal([new FollowEntry(follower, Epoch)], await store.ListFollowersAsync(followee, null, 10, Ct));
        }
    }

    [Fact]
    public async Task A_new_follow_stores_its_announcement_built_from_the_count_after_it()
    {
        var store = CreateStore();
        var (first, second, followee) = (NewUser(), NewUser(), NewUser());
        var (firstId, secondId) = (Guid.NewGuid(), Guid.NewGuid());

        await store.FollowAsync(first, followee, Epoch, count => Announcement(firstId, count), Ct);
        await store.FollowAsync(second, followee, Epoch, count => Announcement(secondId, count), Ct);

        Assert.Equal(Announcement(firstId, 1), await FindAnnouncementAsync(firstId));
        Assert.Equal(Announcement(secondId, 2), await FindAnnouncementAsync(secondId));
    }

    [Fact]
    public async Task Following_again_stores_no_announcement()
    {
        var store = CreateStore();
        var (follower, followee) = (NewUser(), NewUser());
        await store.FollowAsync(follower, followee, Epoch, Announce, Ct);
        var againId = Guid.NewGuid();

        var again = await store.FollowAsync(follower, followee, Epoch.AddHours(1), count => Announcement(againId, count), Ct);

        Assert.False(again.Changed);
        Assert.Null(await FindAnnouncementAsync(againId));
    }

    [Fact]
    public async Task An_unfollow_stores_its_announcement_with_the_count_after_it_only_when_it_removed_a_follow()
    {
        var store = CreateStore();
        var (follower, other, followee) = (NewUser(), NewUser(), NewUser());
        await store.FollowAsync(follower, followee, Epoch, Announce, Ct);
        await store.FollowAsync(other, followee, Epoch, Announce, Ct);
        var (removingId, repeatedId, neverId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        await store.UnfollowAsync(follower, followee, count => Announcement(removingId, count), Ct);
        await store.UnfollowAsync(follower, followee, count => Announcement(repeatedId, count), Ct);
        await store.UnfollowAsync(followee, follower, count => Announcement(neverId, count), Ct);

        Assert.Equal(Announcement(removingId, 1), await FindAnnouncementAsync(removingId));
        Assert.Null(await FindAnnouncementAsync(repeatedId));
        Assert.Null(await FindAnnouncementAsync(neverId));
    }

    [Fact]
    public async Task A_failing_announcement_leaves_no_follow_behind()
    {
        var store = CreateStore();
        var (follower, followee) = (NewUser(), NewUser());

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await store.FollowAsync(follower, followee, Epoch, _ => throw new InvalidOperationException("no announcement"), Ct));

        Assert.False(await store.IsFollowingAsync(follower, followee, Ct));
        Assert.Equal(0, await store.CountFollowersAsync(followee, Ct));
        Assert.Empty(await store.ListFolloweesAsync(follower, null, 10, Ct));
        Assert.Equal(new FollowChange(true, 1), await store.FollowAsync(follower, followee, Epoch, Announce, Ct));
    }

    [Fact]
    public async Task Following_is_one_way()
    {
        var store = CreateStore();
        var (follower, followee) = (NewUser(), NewUser());

        await store.FollowAsync(follower, followee, Epoch, Announce, Ct);

        Assert.False(await store.IsFollowingAsync(followee, follower, Ct));
        Assert.Equal(0, await store.CountFollowersAsync(follower, Ct));
        Assert.Empty(await store.ListFollowersAsync(follower, null, 10, Ct));
        Assert.Empty(await store.ListFolloweesAsync(followee, null, 10, Ct));
    }

    [Fact]
    public async Task Following_again_changes_nothing_and_keeps_the_first_date()
    {
        var store = CreateStore();
        var (follower, followee) = (NewUser(), NewUser());
        await store.FollowAsync(follower, followee, Epoch, Announce, Ct);

        var again = await store.FollowAsync(follower, followee, Epoch.AddHours(1), Announce, Ct);

        Assert.Equal(new FollowChange(false, 1), again);
        Assert.Equal([new FollowEntry(follower, Epoch)], await store.ListFollowersAsync(followee, null, 10, Ct));
        Assert.Equal([new FollowEntry(followee, Epoch)], await store.ListFolloweesAsync(follower, null, 10, Ct));
    }

    [Fact]
    public async Task Unfollow_removes_both_rows_once()
    {
        var store = CreateStore();
        var (follower, other, followee) = (NewUser(), NewUser(), NewUser());
        await store.FollowAsync(follower, followee, Epoch, Announce, Ct);
        await store.FollowAsync(other, followee, Epoch.AddSeconds(1), Announce, Ct);

        var first = await store.UnfollowAsync(follower, followee, Announce, Ct);
        var second = await store.UnfollowAsync(follower, followee, Announce, Ct);

        Assert.Equal(new FollowChange(true, 1), first);
        Assert.Equal(new FollowChange(false, 1), second);
        Assert.False(await store.IsFollowingAsync(follower, followee, Ct));
        Assert.Equal([new FollowEntry(other, Epoch.AddSeconds(1))], await store.ListFollowersAsync(followee, null, 10, Ct));
        Assert.Empty(await store.ListFolloweesAsync(follower, null, 10, Ct));
        Assert.Empty(await store.ListAllFolloweeIdsAsync(follower, Ct));
    }

    [Fact]
    public async Task Unfollowing_someone_never_followed_changes_nothing()
    {
        var store = CreateStore();
        var followee = NewUser();

        Assert.Equal(new FollowChange(false, 0), await store.UnfollowAsync(NewUser(), followee, Announce, Ct));
        Assert.Equal(0, await store.CountFollowersAsync(followee, Ct));
    }

    [Fact]
    public async Task A_follow_after_an_unfollow_is_new_again_with_its_new_date()
    {
        var store = CreateStore();
        var (follower, followee) = (NewUser(), NewUser());
        await store.FollowAsync(follower, followee, Epoch, Announce, Ct);
        await store.UnfollowAsync(follower, followee, Announce, Ct);

        var again = await store.FollowAsync(follower, followee, Epoch.AddDays(1), Announce, Ct);

        Assert.Equal(new FollowChange(true, 1), again);
        Assert.Equal([new FollowEntry(follower, Epoch.AddDays(1))], await store.ListFollowersAsync(followee, null, 10, Ct));
    }

    [Fact]
    public async Task Counts_report_the_followee_count_after_each_change()
    {
        var store = CreateStore();
        var followee = NewUser();
        var followers = Enumerable.Range(0, 4).Select(_ => NewUser()).ToArray();

        var counts = new List<long>();
        foreach (var follower in followers)
        {
            counts.Add((await store.FollowAsync(follower, followee, Epoch, Announce, Ct)).FolloweeFollowerCount);
        }

        counts.Add((await store.UnfollowAsync(followers[0], followee, Announce, Ct)).FolloweeFollowerCount);

        Assert.Equal([1, 2, 3, 4, 3], counts);
        Assert.Equal(3, await store.CountFollowersAsync(followee, Ct));
        Assert.Equal(0, await store.CountFollowersAsync(NewUser(), Ct));
    }

    [Fact]
    public async Task Followers_page_newest_first_with_ties_broken_by_follower_id()
    {
        var store = CreateStore();
        var followee = NewUser();
        var entries = Enumerable.Range(0, 9).Select(i => new FollowEntry(NewUser(), Epoch.AddMilliseconds(i / 4))).ToArray();
        foreach (var entry in entries)
        {
            await store.FollowAsync(entry.UserId, followee, entry.FollowedOn, Announce, Ct);
        }

        var paged = await ReadAllPagesAsync((cursor, limit) => store.ListFollowersAsync(followee, cursor, limit, Ct), () => 2);

        Assert.Equal(NewestFirst(entries), paged);
    }

    [Fact]
    public async Task Followees_page_newest_first_with_ties_broken_by_followee_id()
    {
        var store = CreateStore();
        var follower = NewUser();
        var entries = Enumerable.Range(0, 9).Select(i => new FollowEntry(NewUser(), Epoch.AddMilliseconds(i / 3))).ToArray();
        foreach (var entry in entries)
        {
            await store.FollowAsync(follower, entry.UserId, entry.FollowedOn, Announce, Ct);
        }

        var paged = await ReadAllPagesAsync((cursor, limit) => store.ListFolloweesAsync(follower, cursor, limit, Ct), () => 4);

        Assert.Equal(NewestFirst(entries), paged);
    }

    [Fact]
    public async Task Ties_on_created_on_order_by_the_whole_user_id_most_significant_byte_first()
    {
        var store = CreateStore();
        var (followee, follower) = (NewUser(), NewUser());
        var ids = ByteOrderIds.Create();
        foreach (var id in ids.Reverse())
        {
            Register(id);
            await store.FollowAsync(id, followee, Epoch, Announce, Ct);
            await store.FollowAsync(follower, id, Epoch, Announce, Ct);
        }

        var followers = await ReadAllPagesAsync((cursor, limit) => store.ListFollowersAsync(followee, cursor, limit, Ct), () => 1);
        var followees = await ReadAllPagesAsync((cursor, limit) => store.ListFolloweesAsync(follower, cursor, limit, Ct), () => 1);

        // SequenceKey (Guid.CompareTo) order: the textual order, first byte most significant.
        var expected = ids.OrderByDescending(id => id.ToString(), StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, followers.Select(entry => entry.UserId));
        Assert.Equal(expected, followees.Select(entry => entry.UserId));
        Assert.Equal(expected, await store.ListAllFolloweeIdsAsync(follower, Ct));
    }

    [Fact]
    public async Task List_takes_at_most_limit_entries_strictly_after_the_cursor()
    {
        var store = CreateStore();
        var followee = NewUser();
        var entries = Enumerable.Range(0, 4).Select(i => new FollowEntry(NewUser(), Epoch.AddSeconds(i))).ToArray();
        foreach (var entry in entries)
        {
            await store.FollowAsync(entry.UserId, followee, entry.FollowedOn, Announce, Ct);
        }

        var first = await store.ListFollowersAsync(followee, null, 3, Ct);
        var rest = await store.ListFollowersAsync(followee, new Cursor(entries[2].FollowedOn, entries[2].UserId), 3, Ct);

        Assert.Equal([entries[3], entries[2], entries[1]], first);
        Assert.Equal([entries[1], entries[0]], rest);
    }

    /// <summary>
    /// A fan-out walks a followee's followers page by page while follows change. Each page is read after the last
    /// one's final entry, so an unfollow of someone already read moves nobody past the cursor (nobody is skipped),
    /// an unfollow of someone not yet read takes only them out, and a follow during the walk is newer than the
    /// cursor and not reached (the new follow's own backfill covers it).
    /// </summary>
    [Fact]
    public async Task A_followers_walk_skips_nobody_when_follows_change_between_its_pages()
    {
        var store = CreateStore();
        var followee = NewUser();
        var entries = Enumerable.Range(0, 6).Select(i => new FollowEntry(NewUser(), Epoch.AddSeconds(i))).ToArray();
        foreach (var entry in entries)
        {
            await store.FollowAsync(entry.UserId, followee, entry.FollowedOn, Announce, Ct);
        }

        var first = await store.ListFollowersAsync(followee, null, 2, Ct);
        await store.UnfollowAsync(entries[5].UserId, followee, Announce, Ct);
        await store.UnfollowAsync(entries[2].UserId, followee, Announce, Ct);
        await store.FollowAsync(NewUser(), followee, Epoch.AddSeconds(10), Announce, Ct);
        var rest = await ReadAllPagesAsync((cursor, limit) => store.ListFollowersAsync(followee, cursor ?? new Cursor(first[^1].FollowedOn, first[^1].UserId), limit, Ct), () => 2);

        Assert.Equal([entries[5], entries[4]], first);
        Assert.Equal([entries[3], entries[1], entries[0]], rest);
    }

    [Fact]
    public async Task All_followee_ids_are_returned_however_many()
    {
        var store = CreateStore();
        var follower = NewUser();
        var followees = Enumerable.Range(0, 250).Select(_ => NewUser()).ToArray();
        foreach (var (followee, i) in followees.Select((id, i) => (id, i)))
        {
            await store.FollowAsync(follower, followee, Epoch.AddMilliseconds(i % 5), Announce, Ct);
        }

        await store.FollowAsync(NewUser(), followees[0], Epoch, Announce, Ct);

        var ids = await store.ListAllFolloweeIdsAsync(follower, Ct);

        Assert.Equal(followees.Order(), ids.Order());
        Assert.Empty(await store.ListAllFolloweeIdsAsync(NewUser(), Ct));
    }

    [Fact]
    public async Task Concurrent_follows_of_one_pair_count_once()
    {
        var store = CreateStore();
        var (follower, followee) = (NewUser(), NewUser());

        var messageIds = Enumerable.Range(0, 64).Select(_ => Guid.NewGuid()).ToArray();

        var changes = await Task.WhenAll(messageIds.Select((messageId, i) =>
            Task.Run(async () => await store.FollowAsync(follower, followee, Epoch.AddMilliseconds(i), count => Announcement(messageId, count), Ct), Ct)));

        Assert.Single(changes, change => change.Changed);
        Assert.Equal([Announcement(messageIds[Array.FindIndex(changes, change => change.Changed)], 1)], await FoundAsync(messageIds));
        Assert.All(changes, change => Assert.Equal(1, change.FolloweeFollowerCount));
        Assert.Equal(1, await store.CountFollowersAsync(followee, Ct));
        Assert.Single(await store.ListFollowersAsync(followee, null, 100, Ct));
        Assert.Single(await store.ListFolloweesAsync(follower, null, 100, Ct));
    }

    [Fact]
    public async Task Concurrent_unfollows_of_one_pair_remove_once()
    {
        var store = CreateStore();
        var (follower, followee) = (NewUser(), NewUser());
        await store.FollowAsync(follower, followee, Epoch, Announce, Ct);

        var messageIds = Enumerable.Range(0, 64).Select(_ => Guid.NewGuid()).ToArray();

        var changes = await Task.WhenAll(messageIds.Select(messageId =>
            Task.Run(async () => await store.UnfollowAsync(follower, followee, count => Announcement(messageId, count), Ct), Ct)));

        Assert.Single(changes, change => change.Changed);
        Assert.Equal([Announcement(messageIds[Array.FindIndex(changes, change => change.Changed)], 0)], await FoundAsync(messageIds));
        Assert.Equal(0, await store.CountFollowersAsync(followee, Ct));
    }

    [Fact]
    public async Task Concurrent_follows_by_many_followers_each_count_and_report_distinct_counts()
    {
        var store = CreateStore();
        var followee = NewUser();
        var followers = Enumerable.Range(0, 100).Select(_ => NewUser()).ToArray();

        var changes = await Task.WhenAll(followers.Select(follower =>
            Task.Run(async () => await store.FollowAsync(follower, followee, Epoch, Announce, Ct), Ct)));

        Assert.All(changes, change => Assert.True(change.Changed));
        // Each follow saw the count right after itself: 1..100, each exactly once.
        Assert.Equal(Enumerable.Range(1, 100).Select(n => (long)n), changes.Select(change => change.FolloweeFollowerCount).Order());
        Assert.Equal(100, await store.CountFollowersAsync(followee, Ct));
    }

    [Fact]
    public async Task Paging_followers_and_followees_with_random_limits_returns_each_once_in_order()
    {
        var store = CreateStore();
        var gen = Gen.Select(
            Gen.Int[0, 4].Array[0, 50],
            Gen.Int[1, 10].Array[1, 6]);

        await gen.SampleAsync(
            async (offsets, limits) =>
            {
                var followee = NewUser();
                var follower = NewUser();
                var followers = offsets.Select(offset => new FollowEntry(NewUser(), Epoch.AddMilliseconds(offset))).ToArray();
                var followees = offsets.Select(offset => new FollowEntry(NewUser(), Epoch.AddMilliseconds(offset))).ToArray();
                foreach (var entry in followers)
                {
                    await store.FollowAsync(entry.UserId, followee, entry.FollowedOn, Announce, Ct);
                }

                foreach (var entry in followees)
                {
                    await store.FollowAsync(follower, entry.UserId, entry.FollowedOn, Announce, Ct);
                }

                var page = 0;
                var pagedFollowers = await ReadAllPagesAsync(
                    (cursor, limit) => store.ListFollowersAsync(followee, cursor, limit, Ct), () => limits[page++ % limits.Length]);
                page = 0;
                var pagedFollowees = await ReadAllPagesAsync(
                    (cursor, limit) => store.ListFolloweesAsync(follower, cursor, limit, Ct), () => limits[page++ % limits.Length]);

                Assert.Equal(NewestFirst(followers), pagedFollowers);
                Assert.Equal(NewestFirst(followees), pagedFollowees);
                Assert.Equal(followers.Length, await store.CountFollowersAsync(followee, Ct));
            },
            iter: 200);
    }
}
