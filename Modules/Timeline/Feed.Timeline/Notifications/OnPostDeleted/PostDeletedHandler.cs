using Feed.Social.Contracts;
using Feed.Timeline.Live;
using Mediator;

namespace Feed.Timeline.Notifications.OnPostDeleted;

/// <summary>
/// Takes a deleted post out of its author's followers' timeline rows, stored and cached (walking the
/// followers like fan-out), then out of the cache (its details marked deleted, its influencer_posts
/// entry removed) and last out of the read model and influencer_posts. Reads drop entries whose post
/// is gone or marked deleted, so the post is hidden from the moment the read model forgets it, in every
/// read: the cache, told first, can no longer show it from its copies. The rows go first because their
/// keys are found through the read model. A retry repeats what is left.
/// </summary>
internal sealed class PostDeletedHandler(ITimelinePostStore store, ITimelineCache cache, DeletedPostRows rows, LiveTimelineEvents live) : INotificationHandler<PostDeleted>
{
    public async ValueTask Handle(PostDeleted notification, CancellationToken cancellationToken)
    {
        // Its key, for the live event, while the read model still has it (a retried delivery finds none and sends none).
        var removed = (await store.GetPostsAsync([notification.PostId], cancellationToken)).GetValueOrDefault(notification.PostId);
        await rows.RemoveAsync(notification.AuthorId, notification.PostId, cancellationToken);
        // The cache before the store, unlike other writes: a deleted mark only hides, so it cannot be
        // wrong early, and a fill that reads the store before its removal cannot bring the post back.
        await cache.RemovePostAsync(notification.AuthorId, notification.PostId, cancellationToken);
        await store.RemovePostAsync(notification.AuthorId, notification.PostId, cancellationToken);
        if (removed is not null)
        {
            await live.PostRemovedAsync(removed, cancellationToken);
        }
    }
}
