using Feed.SharedKernel.Paging;
using Feed.Social.Contracts;
using Feed.Users.Contracts;
using Feed.Timeline.Live;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Lifecycle;

/// <summary>
/// Races between writes (follows, unfollows, their cleanups and backfills, fan-outs, promotions,
/// deletions), each interleaving forced by a step run inside a store call, and what the reader's
/// pages show once every announcement has been delivered. One derived class per set-up: the
/// in-memory default (no cache), and PostgreSQL behind the Redis cache.
/// </summary>
public abstract class WriteRaces
{
    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract TimelineStores CreateStores();

    private protected abstract ITimelineCache? CreateCache();

    /// <summary>Whether the last world made has a cache (the in-memory default has none).</summary>
    private protected bool HasCache { get; private set; }

    /// <summary>
    /// A follow delivered after the unfollow that undid it finds the follow gone and cleans up. If the
    /// reader follows again before that cleanup runs, and that second follow's backfill is done
    /// first, the cleanup deletes the second follow's rows; it must then backfill them again.
    /// </summary>
    [Fact]
    public async Task A_stale_follow_s_cleanup_keeps_the_rows_of_a_follow_again_backfilled_just_before()
    {
        var (world, store) = NewWorld();
        var author = world.Modules.AddUser("author");
        var posts = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 2) };
        Assert.Empty(await world.TimelineOfAsync(world.Reader));

        // Followed, then unfollowed, in Social; the unfollow is delivered first (it finds no rows).
        var firstFollow = world.FollowInSocial(world.Reader, author);
        await world.UnfollowAsync(world.Reader, author);

        // The first follow is delivered: backfill, then the follow is found undone. Just before its
        // cleanup deletes the author's rows, the reader follows again and that follow is delivered whole.
        store.BeforeRemoveAuthorRows = () => world.FollowAsync(world.Reader, author);
        await world.FollowedHandler().Handle(firstFollow, Ct);
        Assert.Null(store.BeforeRemoveAuthorRows);

        // Every announcement is delivered; the reader follows the author.
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
    }

    /// <summary>
    /// An unfollow delivered late (its first attempt failed), after the reader followed again, must not
    /// remove the author's rows: those fanned out since the new follow could not all be backfilled again
    /// (only the newest BackfillSize are).
    /// </summary>
    [Fact]
    public async Task A_late_unfollow_cleanup_keeps_the_posts_fanned_out_after_the_follow_again()
    {
        var (world, _) = NewWorld();
        world.Lifecycle.BackfillSize = 1;
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);

        // Unfollowed in Social (its delivery fails and waits for a retry), followed again (delivered).
        var unfollowed = world.UnfollowInSocial(world.Reader, author);
        await world.FollowAsync(world.Reader, author);

        // Posted after the reader follows again: fanned out to the reader.
        var posts = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 2) };
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));

        // The unfollow's retry.
        await world.UnfollowedHandler().Handle(unfollowed, Ct);

        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
    }

    /// <summary>
    /// An unfollow's first attempt finds the author not followed, but the reader follows again (and that
    /// follow's backfill runs) before its removal; the attempt then fails after the removal, before its
    /// check again. Its retry finds the author followed: whatever it skips, it must not leave the reader
    /// without the rows that removal took (the retry is the only delivery left to bring them back).
    /// </summary>
    [Fact]
    public async Task An_unfollow_retried_after_a_removal_that_took_a_follow_again_s_backfill_brings_the_rows_back()
    {
        var (world, store) = NewWorld();
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var posts = new[] { await world.PostAsync(author, 1), await world.PostAsync(author, 2) };

        // Unfollowed in Social. Its first attempt checks the graph (not followed), then, just before its
        // removal, the reader follows again and that follow is delivered whole; the removal takes those rows,
        // and the attempt fails right after it (a store timeout after the commit, or a crash).
        var unfollowed = world.UnfollowInSocial(world.Reader, author);
        store.BeforeRemoveAuthorRows = () => world.FollowAsync(world.Reader, author);
        store.AfterRemoveAuthorRows = () => throw new TimeoutException("the store answered too late");
        await Assert.ThrowsAsync<TimeoutException>(() => world.UnfollowedHandler().Handle(unfollowed, Ct).AsTask());

        // The outbox retries the unfollow.
        await world.UnfollowedHandler().Handle(unfollowed, Ct);

        // Every announcement is delivered; the reader follows the author.
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
    }

    /// <summary>
    /// An unfollow whose cleanup finds the reader following the author again (a follow between its check and
    /// its removal) says nothing to the reader's stream: a "followee left" would take the author's posts off a
    /// stream that follows them. Here the reader is inactive by then, so nothing is backfilled either: their
    /// next read rebuilds the timeline.
    /// </summary>
    [Fact]
    public async Task An_unfollow_s_cleanup_that_finds_a_follow_again_announces_no_followee_left()
    {
        var (world, store) = NewWorld();
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var post = await world.PostAsync(author, 1);
        var left = new List<LiveTimelineMessage>();
        await world.LiveBus.SubscribeAsync(message => { if (message.Kind == LiveMessageKind.ReaderLost) { lock (left) { left.Add(message); } } }, () => { }, Ct);

        // Just before the cleanup removes the rows, the reader follows again (delivered after) and has gone quiet.
        var unfollow = world.UnfollowInSocial(world.Reader, author);
        UserFollowed? followAgain = null;
        store.BeforeRemoveAuthorRows = () =>
        {
            followAgain = world.FollowInSocial(world.Reader, author);
            world.Clock.Advance(world.Lifecycle.InactiveAfter + TimeSpan.FromMinutes(1));
            return Task.CompletedTask;
        };
        await world.UnfollowedHandler().Handle(unfollow, Ct);
        await world.FollowedHandler().Handle(followAgain!, Ct);

        Assert.Empty(left);
        Assert.Equal([post.PostId], await world.TimelineOfAsync(world.Reader));
    }

    /// <summary>
    /// A promotion's copy adds the author's recent posts, newest first, to the cached influencer_posts list;
    /// a reader may be filling that list at the time (its store read done, before its fill). The placeholder
    /// takes the adds; once it holds more than the cache keeps, the add trims the oldest (the copied post
    /// itself). The fill, whose store read found the list empty, must not then call the list whole: a new
    /// follower's backfill writes no row for a copied post (it is pulled), so a "whole" list without it hides it.
    /// </summary>
    [Fact]
    public async Task A_promotion_s_copy_into_a_list_being_filled_hides_no_copied_post_from_a_new_follower()
    {
        var (world, store) = NewWorld();
        var late = world.Modules.AddUser("late");
        await world.ActivateAsync(late);
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);

        // Pulled once, that post deleted: the author stays pulled, with no influencer_posts row.
        await world.SwitchAsync(author, isInfluencer: true);
        await world.DeletePostAsync(await world.PostAsync(author, 1));
        await world.SwitchAsync(author, isInfluencer: false);

        // Pushed again: more posts than the cache keeps of a list (5 in the cached set-up).
        var posts = new List<PostSummary>();
        for (var i = 2; i <= 7; i++)
        {
            posts.Add(await world.PostAsync(author, i));
        }

        // The reader's read fills the author's list: it finds it empty in the store; before its fill, the
        // author is promoted again and the copy runs whole.
        store.AfterGetInfluencerPosts = () => world.SwitchAsync(author, isInfluencer: true);
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
        Assert.Null(store.AfterGetInfluencerPosts);

        // A new follower: the backfill leaves every copied post to the pull.
        await world.FollowAsync(late, author);

        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(late));
    }

    /// <summary>
    /// A promotion copies the author's recent posts into influencer_posts one by one. A copy cut short by a
    /// store failure must leave the cached influencer_posts list holding what it copied until the promotion is
    /// delivered again: a new follower's backfill writes no row for a copied post (it is pulled), and a cached
    /// list "whole" without it would hide it.
    /// </summary>
    [Fact]
    public async Task A_promotion_s_copy_cut_short_by_a_store_failure_hides_no_copied_post_from_a_new_follower()
    {
        var (world, store, late, author, posts) = await PulledThenPushedAgainAsync();

        // Promoted again: the copy writes the newest post, then the store fails on the next one.
        await CutShortAsync(store, () => world.SwitchAsync(author, isInfluencer: true));

        // A new follower: the backfill leaves the copied post to the pull.
        await world.FollowAsync(late, author);

        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(late));
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
    }

    /// <summary>
    /// The promotion travels through Users' outbox, so a copy cut short is delivered again, and that delivery
    /// copies every recent post: a new follower then pulls all of them and gets no row for any (a post left
    /// uncopied would come by a backfilled row instead), in both stores.
    /// </summary>
    [Fact]
    public async Task A_promotion_s_copy_cut_short_is_completed_by_its_redelivery()
    {
        var (world, store, late, author, posts) = await PulledThenPushedAgainAsync();
        var promotion = new InfluencerStatusChanged(author, true, world.Clock.GetUtcNow());

        await CutShortAsync(store, async () => await world.StatusChangedHandler().Handle(promotion, Ct));

        await world.StatusChangedHandler().Handle(promotion, Ct);

        var pulled = await world.Store.GetInfluencerPostsAsync([author], null, 10, Ct);
        Assert.Equal(LifecycleSteps.NewestFirst(posts), pulled[author].Select(entry => entry.PostId));
        await world.FollowAsync(late, author);
        Assert.Empty(await world.RowsOfAsync(late));
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(late));
    }

    /// <summary>
    /// A promotion's copy (delivered late, or again) has read the author's recent posts; before it writes the
    /// newest, the author deletes that post and the deletion is delivered whole. The store refuses the deleted
    /// post's influencer_posts row, and no read shows the post, neither to a follower nor to a new one, nor
    /// after a redelivery.
    /// </summary>
    [Fact]
    public async Task A_promotion_s_copy_racing_a_delete_shows_the_deleted_post_to_nobody()
    {
        var (world, store, late, author, posts) = await PulledThenPushedAgainAsync();
        var promotion = new InfluencerStatusChanged(author, true, world.Clock.GetUtcNow());
        var deleted = posts[^1];

        store.OnceBeforeAddInfluencerPost(() => world.DeletePostAsync(deleted));
        world.Modules.SetInfluencer(author, true);
        await world.StatusChangedHandler().Handle(promotion, Ct);
        await world.StatusChangedHandler().Handle(promotion, Ct);
        posts.Remove(deleted);

        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
        await world.FollowAsync(late, author);
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(late));
        var pulled = await world.Store.GetInfluencerPostsAsync([author], null, 100, Ct);
        Assert.DoesNotContain(deleted.PostId, pulled[author].Select(entry => entry.PostId));
    }

    /// <summary>
    /// The same race, and then the copy's closing drop of the author's cached list fails (Redis lost at that
    /// moment; a process stopped there leaves the same). The list filled before the copy stays cached, so it must
    /// not have taken the deleted post, whose row the store refused.
    /// </summary>
    [Fact]
    public async Task A_promotion_s_copy_racing_a_delete_leaves_no_deleted_post_in_a_list_it_failed_to_drop()
    {
        var (world, store, late, author, posts) = await PulledThenPushedAgainAsync(hookedCache: true);
        var deleted = posts[^1];

        store.OnceBeforeAddInfluencerPost(() => world.DeletePostAsync(deleted));
        ((HookedTimelineCache)world.Cache).BeforeDrop = () => throw new TimeoutException("the cache failed");
        world.Modules.SetInfluencer(author, true);
        await Assert.ThrowsAsync<TimeoutException>(() => world.StatusChangedHandler().Handle(new InfluencerStatusChanged(author, true, world.Clock.GetUtcNow()), Ct).AsTask());
        posts.Remove(deleted);

        var cached = await world.Cache.ReadAsync(CachedList.InfluencerPosts, [author], null, 10, Ct);
        Assert.Equal(HasCache, cached.Hits.ContainsKey(author));
        Assert.All(cached.Hits.Values, range => Assert.DoesNotContain(deleted.PostId, range.Entries.Select(entry => entry.PostId)));
        await world.FollowAsync(late, author);
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(late));
    }

    /// <summary>
    /// An influencer's post deleted (and the deletion delivered whole) after the post was saved, before its
    /// fan-out writes the influencer_posts row: the store refuses the row, and the author's cached list, filled
    /// by an earlier read, does not take the entry either (the cache holds only what the store holds).
    /// </summary>
    [Fact]
    public async Task An_influencer_post_deleted_before_its_row_is_written_is_cached_nowhere()
    {
        var (world, store) = NewWorld();
        var author = world.Modules.AddUser("star", isInfluencer: true);
        await world.FollowAsync(world.Reader, author);
        var kept = await world.PostAsync(author, 1);
        Assert.Equal([kept.PostId], await world.TimelineOfAsync(world.Reader));

        var deleted = LifecycleSteps.NewPost(author, 2);
        store.OnceBeforeAddInfluencerPost(() => world.DeletePostAsync(deleted));
        world.Modules.AddPost(deleted);
        await world.CreatedHandler(1000).Handle(new PostCreated(deleted), Ct);

        var cached = await world.Cache.ReadAsync(CachedList.InfluencerPosts, [author], null, 10, Ct);
        Assert.All(cached.Hits.Values, range => Assert.DoesNotContain(deleted.PostId, range.Entries.Select(entry => entry.PostId)));
        Assert.DoesNotContain(deleted.PostId, (await world.Store.GetInfluencerPostsAsync([author], null, 10, Ct))[author].Select(entry => entry.PostId));
        Assert.Equal([kept.PostId], await world.TimelineOfAsync(world.Reader));
    }

    /// <summary>
    /// A promotion's copy whose only post is deleted before it writes it: the store refuses the row, so the
    /// store does not count the author as pulled, and a reader state filled afterwards does not pull them. The
    /// author's next post is their first influencer_posts row: its fan-out must still drop the followers'
    /// states (the copy must not have marked the author as accounted for), or the reader never sees it.
    /// </summary>
    [Fact]
    public async Task A_promotion_s_copy_refused_for_a_deleted_post_hides_no_later_pulled_post()
    {
        var (world, store) = NewWorld();
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        var deleted = await world.PostAsync(author, 1);
        Assert.Equal([deleted.PostId], await world.TimelineOfAsync(world.Reader));

        // Promoted: the copy has read the post; before it writes it, the author deletes it (delivered whole).
        var raced = false;
        store.OnceBeforeAddInfluencerPost(async () =>
        {
            raced = true;
            await world.DeletePostAsync(deleted);
        });
        await world.SwitchAsync(author, isInfluencer: true);
        Assert.True(raced);
        Assert.Empty(await world.TimelineOfAsync(world.Reader));

        // The author's next post, pulled.
        var next = await world.PostAsync(author, 2);

        Assert.Equal([next.PostId], await world.TimelineOfAsync(world.Reader));
    }

    /// <summary>
    /// The same copy, seen half done: what a new follower reads then is what a crash at that point would
    /// leave until the redelivery. The post already copied is pulled, so the cached list must hold it.
    /// </summary>
    [Fact]
    public async Task A_promotion_s_copy_half_done_shows_every_post_to_a_new_follower()
    {
        var (world, store, late, author, posts) = await PulledThenPushedAgainAsync();

        // Promoted again; after the first copied post, before the second, a new follower reads.
        var copied = 0;
        List<Guid>? halfway = null;
        store.BeforeAddInfluencerPost = async () =>
        {
            if (++copied == 2)
            {
                await world.FollowAsync(late, author);
                halfway = await world.TimelineOfAsync(late);
            }
        };
        await world.SwitchAsync(author, isInfluencer: true);
        store.BeforeAddInfluencerPost = null;

        Assert.Equal(LifecycleSteps.NewestFirst(posts), halfway);
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(late));
    }

    /// <summary>Runs a promotion whose copy writes the newest post, then fails at the store on the next one.</summary>
    private static async Task CutShortAsync(HookedStore store, Func<Task> promote)
    {
        var copied = 0;
        store.BeforeAddInfluencerPost = () => ++copied == 2 ? throw new TimeoutException("the store failed") : Task.CompletedTask;
        await Assert.ThrowsAsync<TimeoutException>(promote);
        store.BeforeAddInfluencerPost = null;
    }

    /// <summary>
    /// An author the reader follows, pulled once (promoted with nothing to copy, then a pulled post), then
    /// pushed again (two posts); the reader's read caches the author's list, whole. Also a user, active, who
    /// does not follow the author yet.
    /// </summary>
    private async Task<(TimelineWorld World, HookedStore Store, Guid Late, Guid Author, List<PostSummary> Posts)> PulledThenPushedAgainAsync(bool hookedCache = false)
    {
        var (world, store) = NewWorld(hookedCache);
        var late = world.Modules.AddUser("late");
        await world.ActivateAsync(late);
        var author = world.Modules.AddUser("author");
        await world.FollowAsync(world.Reader, author);
        await world.SwitchAsync(author, isInfluencer: true);
        var posts = new List<PostSummary> { await world.PostAsync(author, 1) };
        await world.SwitchAsync(author, isInfluencer: false);
        posts.Add(await world.PostAsync(author, 2));
        posts.Add(await world.PostAsync(author, 3));
        Assert.Equal(LifecycleSteps.NewestFirst(posts), await world.TimelineOfAsync(world.Reader));
        return (world, store, late, author, posts);
    }

    /// <summary>A world on hooked stores; with <paramref name="hookedCache"/>, its cache (none counts) is a <see cref="HookedTimelineCache"/>.</summary>
    private protected (TimelineWorld World, HookedStore Store) NewWorld(bool hookedCache = false)
    {
        var store = new HookedStore(CreateStores());
        var cache = CreateCache();
        HasCache = cache is not null;
        var world = new TimelineWorld(TimelineStores.All(store), hookedCache ? new HookedTimelineCache(cache ?? new NoTimelineCache()) : cache);
        return (world, store);
    }

    /// <summary>Stores, passed through, that run a step once just before chosen writes.</summary>
    private protected sealed class HookedStore(TimelineStores inner) : ForwardingTimelineStore(inner)
    {
        public Func<Task>? BeforeRemoveAuthorRows { get; set; }

        /// <summary>Runs once just after an author's rows are removed (a failure there: the removal is done, the caller sees an error).</summary>
        public Func<Task>? AfterRemoveAuthorRows { get; set; }

        /// <summary>Runs once just after an influencer_posts read has its answer (before the caller uses it).</summary>
        public Func<Task>? AfterGetInfluencerPosts { get; set; }

        /// <summary>Runs before every influencer_posts write while set (not cleared: a test counts, or fails, the writes).</summary>
        public Func<Task>? BeforeAddInfluencerPost { get; set; }

        /// <summary>Runs <paramref name="step"/> once, just before the next influencer_posts write.</summary>
        public void OnceBeforeAddInfluencerPost(Func<Task> step) =>
            BeforeAddInfluencerPost = async () =>
            {
                BeforeAddInfluencerPost = null;
                await step();
            };

        public override async ValueTask<bool> AddInfluencerPostAsync(TimelineEntry entry, CancellationToken cancellationToken)
        {
            if (BeforeAddInfluencerPost is { } step)
            {
                await step();
            }

            return await base.AddInfluencerPostAsync(entry, cancellationToken);
        }

        public override async ValueTask RemoveAuthorTimelineRowsAsync(Guid userId, Guid authorId, CancellationToken cancellationToken)
        {
            if (BeforeRemoveAuthorRows is { } step)
            {
                BeforeRemoveAuthorRows = null;
                await step();
            }

            await base.RemoveAuthorTimelineRowsAsync(userId, authorId, cancellationToken);
            if (AfterRemoveAuthorRows is { } after)
            {
                AfterRemoveAuthorRows = null;
                await after();
            }
        }

        public override async ValueTask<IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>>> GetInfluencerPostsAsync(IReadOnlyCollection<Guid> influencerIds, SequenceKey? after, int limitPerInfluencer, CancellationToken cancellationToken)
        {
            var answer = await base.GetInfluencerPostsAsync(influencerIds, after, limitPerInfluencer, cancellationToken);
            if (AfterGetInfluencerPosts is { } step)
            {
                AfterGetInfluencerPosts = null;
                await step();
            }

            return answer;
        }
    }
}

/// <summary>The write races on the in-memory stores, without a cache (the default).</summary>
public sealed class InMemoryWriteRaceTests : WriteRaces
{
    private protected override TimelineStores CreateStores() => TimelineStores.InMemory();

    private protected override ITimelineCache? CreateCache() => null;
}
