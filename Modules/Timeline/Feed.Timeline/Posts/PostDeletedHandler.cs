using Feed.Social.Contracts;
using Feed.Timeline.Lifecycle;
using Mediator;

namespace Feed.Timeline.Posts;

/// <summary>
/// Takes a deleted post out of its author's followers' timeline rows (walking the followers like
/// fan-out), then out of the read model and influencer_posts. Reads drop rows whose post is gone from
/// the read model, so the post is hidden from the moment this runs; the rows are removed first because
/// their keys are found through the read model. A retry after a crash repeats what is left.
/// </summary>
internal sealed class PostDeletedHandler(ITimelineStore store, DeletedPostRows rows) : INotificationHandler<PostDeleted>
{
    public async ValueTask Handle(PostDeleted notification, CancellationToken cancellationToken)
    {
        await rows.RemoveAsync(notification.AuthorId, notification.PostId, cancellationToken);
        await store.RemovePostAsync(notification.AuthorId, notification.PostId, cancellationToken);
    }
}
