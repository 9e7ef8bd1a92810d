using Feed.Social.Contracts;
using Feed.Timeline.FanOut;
using Feed.Timeline.ReaderLifecycle;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Notifications.OnInfluencerStatusChanged;

/// <summary>
/// An author switching between push and pull, delivered through the outbox (Users stores it with the switch):
/// at least once, retried until it succeeds, in any order with the author's other switches. Reads do not wait
/// for it: a read pulls every followee that has or had influencer_posts rows, whatever their status now, and
/// keeps the rows pushed before; a post seen through both collapses into one. What it does:
/// <list type="bullet">
/// <item>Promotion: copies the author's recent posts into influencer_posts, so their pre-promotion posts
/// also reach new followers by pull (the follow backfill then writes no rows for them). Idempotent.</item>
/// <item>Demotion: nothing moves. The influencer_posts rows stay and stay pulled; new posts are pushed.</item>
/// </list>
/// Both are logged.
/// </summary>
internal sealed partial class InfluencerStatusChangedHandler(
    ISender sender,
    ITimelinePostStore store,
    ITimelineCache cache,
    PulledAuthors pulledAuthors,
    IOptions<TimelineLifecycleOptions> options,
    ILogger<InfluencerStatusChangedHandler> logger)
    : INotificationHandler<InfluencerStatusChanged>
{
    public async ValueTask Handle(InfluencerStatusChanged notification, CancellationToken cancellationToken)
    {
        if (!notification.IsInfluencer)
        {
            LogSwitchedToPush(logger, notification.UserId, notification.ChangedOn);
            return;
        }

        var recent = await sender.Send(new GetRecentPosts(notification.UserId, options.Value.BackfillSize), cancellationToken);
        try
        {
            foreach (var post in recent)
            {
                // Into a cached influencer_posts list too, each right after its row: a copied post is pulled (a
                // follow's backfill writes no row for it), so a crash part-way must not leave a cached list without
                // it until the redelivery. An entry older than a capped window stays out (the store has it).
                // A post deleted since Social listed it gets no row, and so no cached entry.
                var entry = new TimelinePost(post.PostId, post.AuthorId, post.PostUrl, post.PostType, post.CreatedOn).ToEntry();
                if (await store.AddInfluencerPostAsync(entry, cancellationToken))
                {
                    await cache.AddAsync(CachedList.InfluencerPosts, [notification.UserId], entry, cancellationToken);
                }
            }
        }
        finally
        {
            // Then dropped as well: a list being filled meanwhile took the adds as a placeholder, which trims its
            // oldest entries once it holds more than the cache keeps, and a fill whose store read came before the
            // copy would then call the list whole without them (the next read refills it from the store).
            await cache.DropAsync(CachedList.InfluencerPosts, [notification.UserId], CancellationToken.None);
        }

        if (recent.Count > 0)
        {
            await pulledAuthors.AnnounceAsync(notification.UserId, cancellationToken);
        }

        LogSwitchedToPull(logger, notification.UserId, notification.ChangedOn, recent.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Author {UserId} switched to pull at {ChangedOn}; {PostCount} recent posts copied to influencer_posts")]
    private static partial void LogSwitchedToPull(ILogger logger, Guid userId, DateTimeOffset changedOn, int postCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Author {UserId} switched to push at {ChangedOn}; their influencer_posts stay pulled")]
    private static partial void LogSwitchedToPush(ILogger logger, Guid userId, DateTimeOffset changedOn);
}
