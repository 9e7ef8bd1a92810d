using Feed.Testing;
using Feed.Timeline.Lifecycle;

namespace Feed.Timeline.Tests;

/// <summary>The store contract of the timeline lifecycle: backfills, removals and reader activity.</summary>
public abstract partial class TimelineStoreContract
{
    private static readonly DateTimeOffset ReadEpoch = new(2025, 4, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Many_entries_are_written_into_one_timeline_once_each_in_page_order()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();
        var other = Guid.NewGuid();
        var tied = TiedIds(3);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var posts = new[] { Post(first, 3), Post(second, 9, tied[2]), Post(first, 9, tied[0]), Post(second, 1), Post(first, 9, tied[1]) };
        var existing = Post(second, 5);
        await store.AddTimelineRowsAsync([user], existing.ToEntry(), Ct);

        await store.AddTimelineEntriesAsync(user, [.. posts.Select(post => post.ToEntry()), existing.ToEntry()], Ct);
        // A repeated backfill, overlapping, with a duplicate inside it.
        await store.AddTimelineEntriesAsync(user, [posts[0].ToEntry(), posts[0].ToEntry(), posts[3].ToEntry()], Ct);
        await store.AddTimelineEntriesAsync(user, [], Ct);

        var rows = await store.GetTimelineRowsAsync(user, null, 100, Ct);
        Assert.Equal(TimelineWorldOrder(posts.Append(existing)), rows.Select(row => row.PostId));
        Assert.Equal(posts.Append(existing).ToDictionary(post => post.PostId, post => post.AuthorId), rows.ToDictionary(row => row.PostId, row => row.AuthorId));
        Assert.Empty(await store.GetTimelineRowsAsync(other, null, 100, Ct));
    }

    [Fact]
    public async Task Removing_a_post_s_rows_takes_exactly_that_key_from_exactly_those_users()
    {
        var store = CreateStore();
        var author = Guid.NewGuid();
        var users = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var tied = TiedIds(2);
        var removed = Post(author, 7, tied[0]);
        var sameMillisecond = Post(author, 7, tied[1]);
        var older = Post(author, 2);
        foreach (var post in new[] { removed, sameMillisecond, older })
        {
            await store.AddTimelineRowsAsync(users, post.ToEntry(), Ct);
        }

        // users[3] keeps its row; a user without the row and an unknown user are ignored.
        await store.RemoveTimelineRowsAsync([users[0], users[1], users[2], users[1], Guid.NewGuid()], removed.ToEntry(), Ct);
        await store.RemoveTimelineRowsAsync([users[0]], removed.ToEntry(), Ct);
        await store.RemoveTimelineRowsAsync([], removed.ToEntry(), Ct);

        foreach (var user in users[..3])
        {
            Assert.Equal([sameMillisecond.PostId, older.PostId], (await store.GetTimelineRowsAsync(user, null, 10, Ct)).Select(row => row.PostId));
        }

        Assert.Equal([removed.PostId, sameMillisecond.PostId, older.PostId], (await store.GetTimelineRowsAsync(users[3], null, 10, Ct)).Select(row => row.PostId));
    }

    [Fact]
    public async Task Removing_an_author_s_rows_keeps_the_other_authors_and_the_other_users()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();
        var other = Guid.NewGuid();
        var unfollowed = Guid.NewGuid();
        var kept = Guid.NewGuid();
        var unfollowedPosts = Enumerable.Range(0, 5).Select(i => Post(unfollowed, i * 2)).ToList();
        var keptPosts = Enumerable.Range(0, 5).Select(i => Post(kept, (i * 2) + 1)).ToList();
        foreach (var post in unfollowedPosts.Concat(keptPosts))
        {
            await store.AddTimelineRowsAsync([user, other], post.ToEntry(), Ct);
        }

        await store.RemoveAuthorTimelineRowsAsync(user, unfollowed, Ct);
        await store.RemoveAuthorTimelineRowsAsync(user, unfollowed, Ct);
        await store.RemoveAuthorTimelineRowsAsync(Guid.NewGuid(), unfollowed, Ct);

        Assert.Equal(TimelineWorldOrder(keptPosts), (await store.GetTimelineRowsAsync(user, null, 100, Ct)).Select(row => row.PostId));
        Assert.Equal(TimelineWorldOrder(unfollowedPosts.Concat(keptPosts)), (await store.GetTimelineRowsAsync(other, null, 100, Ct)).Select(row => row.PostId));
    }

    [Fact]
    public async Task A_user_who_never_read_is_unknown_and_never_active()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();

        await store.RecordReadAsync(user, ReadEpoch, Ct);
        await store.CompleteRebuildAsync(user, ReadEpoch, Ct);

        Assert.Null(await store.GetReaderAsync(user, Ct));
        Assert.Empty(await store.GetActiveReadersAsync([user], DateTimeOffset.MinValue, Ct));
    }

    [Fact]
    public async Task A_rebuild_marks_the_read_and_only_its_own_completion_clears_the_mark()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();
        var first = ReadEpoch.AddMilliseconds(123);
        var second = first.AddMinutes(5);

        await store.StartRebuildAsync(user, first, Ct);
        Assert.Equal(new TimelineReader(first, first), await store.GetReaderAsync(user, Ct));

        // A second rebuild started meanwhile: the first one's completion must not clear its mark.
        await store.StartRebuildAsync(user, second, Ct);
        await store.CompleteRebuildAsync(user, first, Ct);
        Assert.Equal(new TimelineReader(second, second), await store.GetReaderAsync(user, Ct));

        await store.CompleteRebuildAsync(user, second, Ct);
        Assert.Equal(new TimelineReader(second, null), await store.GetReaderAsync(user, Ct));

        // A rebuild stamped earlier (another instance's clock) never moves the last read back.
        await store.StartRebuildAsync(user, first, Ct);
        Assert.Equal(new TimelineReader(second, first), await store.GetReaderAsync(user, Ct));
    }

    [Fact]
    public async Task Recording_a_read_moves_the_last_read_forward_only_and_keeps_a_pending_rebuild()
    {
        var store = CreateStore();
        var user = Guid.NewGuid();
        var marked = ReadEpoch;
        await store.StartRebuildAsync(user, marked, Ct);

        await store.RecordReadAsync(user, marked.AddHours(1), Ct);
        await store.RecordReadAsync(user, marked.AddMinutes(30), Ct);

        Assert.Equal(new TimelineReader(marked.AddHours(1), marked), await store.GetReaderAsync(user, Ct));
    }

    [Fact]
    public async Task Active_readers_are_those_who_read_at_or_after_the_limit_in_one_call()
    {
        var store = CreateStore();
        var recent = Guid.NewGuid();
        var exactlyAtLimit = Guid.NewGuid();
        var old = Guid.NewGuid();
        var rebuilding = Guid.NewGuid();
        var never = Guid.NewGuid();
        var limit = ReadEpoch.AddDays(-14);
        await store.StartRebuildAsync(recent, ReadEpoch, Ct);
        await store.CompleteRebuildAsync(recent, ReadEpoch, Ct);
        await store.StartRebuildAsync(exactlyAtLimit, limit, Ct);
        await store.CompleteRebuildAsync(exactlyAtLimit, limit, Ct);
        await store.StartRebuildAsync(old, limit.AddMilliseconds(-1), Ct);
        await store.CompleteRebuildAsync(old, limit.AddMilliseconds(-1), Ct);
        await store.StartRebuildAsync(rebuilding, ReadEpoch, Ct);

        var active = await store.GetActiveReadersAsync([recent, exactlyAtLimit, old, rebuilding, never, recent], limit, Ct);

        Assert.Equal(new[] { recent, exactlyAtLimit, rebuilding }.Order(), active.Order());
        Assert.Empty(await store.GetActiveReadersAsync([], limit, Ct));
    }

    [Fact]
    public async Task Fan_out_writes_rows_only_for_active_readers_and_names_them_including_those_who_had_the_row()
    {
        var store = CreateStore();
        var (active, hadRow, inactive, never) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var limit = ReadEpoch.AddDays(-14);
        foreach (var (user, readOn) in new[] { (active, ReadEpoch), (hadRow, limit), (inactive, limit.AddMilliseconds(-1)) })
        {
            await store.StartRebuildAsync(user, readOn, Ct);
            await store.CompleteRebuildAsync(user, readOn, Ct);
        }

        var entry = Post(Guid.NewGuid(), 7).ToEntry();
        await store.AddTimelineRowsAsync([hadRow], entry, Ct);

        var written = await store.AddActiveTimelineRowsAsync([never, inactive, hadRow, active, active], entry, limit, Ct);
        var again = await store.AddActiveTimelineRowsAsync([active], entry, limit, Ct);

        Assert.Equal(new[] { active, hadRow }.Order(), written.Order());
        Assert.Equal([active], again);
        Assert.Empty(await store.AddActiveTimelineRowsAsync([], entry, limit, Ct));
        foreach (var user in new[] { active, hadRow })
        {
            Assert.Equal(entry.Key, Assert.Single(await store.GetTimelineRowsAsync(user, null, 10, Ct)).Key);
        }

        Assert.Empty(await store.GetTimelineRowsAsync(inactive, null, 10, Ct));
        Assert.Empty(await store.GetTimelineRowsAsync(never, null, 10, Ct));
    }

    [Fact]
    public async Task A_removed_post_is_never_saved_again_even_when_removed_before_it_was_saved()
    {
        var store = CreateStore();
        var author = Guid.NewGuid();
        var saved = Post(author, 1);
        var removedFirst = Post(author, 2);
        var kept = Post(author, 3);

        Assert.True(await store.SavePostAsync(saved, Ct));
        Assert.True(await store.SavePostAsync(saved with { PostUrl = "https://cdn.example/again.jpg" }, Ct));
        Assert.True(await store.SavePostAsync(kept, Ct));
        await store.RemovePostAsync(author, saved.PostId, Ct);
        await store.RemovePostAsync(author, removedFirst.PostId, Ct);

        Assert.False(await store.SavePostAsync(saved, Ct));
        Assert.False(await store.SavePostAsync(removedFirst, Ct));
        Assert.Equal([kept.PostId], (await store.GetPostsAsync([saved.PostId, removedFirst.PostId, kept.PostId], Ct)).Keys);
    }

    [Fact]
    public async Task Saves_racing_removals_of_the_same_posts_never_leave_one_behind()
    {
        var store = CreateStore();
        var author = Guid.NewGuid();
        var posts = Enumerable.Range(0, 60).Select(i => Post(author, i)).ToList();

        await Parallel.ForEachAsync(posts, Ct, async (post, ct) =>
        {
            var save = Task.Run(async () => await store.SavePostAsync(post, ct), ct);
            var remove = Task.Run(async () => await store.RemovePostAsync(author, post.PostId, ct), ct);
            await Task.WhenAll(save, remove);
        });

        Assert.Empty(await store.GetPostsAsync([.. posts.Select(post => post.PostId)], Ct));
    }

    private static List<Guid> TimelineWorldOrder(IEnumerable<TimelinePost> posts) =>
        PageOrder.NewestFirst(posts, post => post.CreatedOn, post => post.PostId).Select(post => post.PostId).ToList();
}
