using Feed.Social.Contracts;
using Mediator;

namespace Feed.Timeline.Posts;

/// <summary>
/// Takes a deleted post out of the read model and influencer_posts. Its timeline rows are left in
/// place (there may be millions), in the store and in cached timelines; reads drop rows whose post
/// is gone. The cache forgets the post's details and its influencer_posts entry after the store.
/// </summary>
internal sealed class PostDeletedHandler(ITimelineStore store, ITimelineCache cache) : INotificationHandler<PostDeleted>
{
    public async ValueTask Handle(PostDeleted notification, CancellationToken cancellationToken)
    {
        await store.RemovePostAsync(notification.AuthorId, notification.PostId, cancellationToken);
        await cache.RemovePostAsync(notification.AuthorId, notification.PostId, cancellationToken);
    }
}
