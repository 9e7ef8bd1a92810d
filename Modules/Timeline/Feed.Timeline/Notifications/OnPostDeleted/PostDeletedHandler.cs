using Feed.Social.Contracts;
using Feed.Timeline.FanOut;
using Feed.Timeline.Live;
using Mediator;

namespace Feed.Timeline.Notifications.OnPostDeleted;

/// <summary>
/// Takes a deleted post out of its author's followers' timeline rows, stored and cached (walking the
/// followers like fan-out), then out of the read model and influencer_posts; the cache forgets the
/// post's details (marking it deleted) and its influencer_posts entry after the store. Reads drop
/// entries whose post is gone, so the post is hidden from the moment the read model forgets it; the
/// rows go first because their keys are found through the read model. A retry repeats what is left.
/// </summary>
internal sealed class PostDeletedHandler(ITimelinePostStore store, ITimelineCache cache, DeletedPostRows rows, PulledAuthors pulledAuthors, LiveTimelineEvents live) : INotificationHandler<PostDeleted>
{
    public async ValueTask Handle(PostDeleted notification, CancellationToken cancellationToken)
    {
        // Its key, for the live event, while the read model still has it (a retried delivery finds none and sends none).
        var removed = (await store.GetPostsAsync([notification.PostId], cancellationToken)).GetValueOrDefault(notification.PostId);
        await rows.RemoveAsync(notification.AuthorId, notification.PostId, cancellationToken);
        await store.RemovePostAsync(notification.AuthorId, notification.PostId, cancellationToken);
        await cache.RemovePostAsync(notification.AuthorId, notification.PostId, cancellationToken);
        await pulledAuthors.WithdrawIfGoneAsync(notification.AuthorId, cancellationToken);
        if (removed is not null)
        {
            await live.PostRemovedAsync(removed, cancellationToken);
        }
    }
}
