using Feed.Social.Contracts;
using Mediator;

namespace Feed.Timeline.Posts;

/// <summary>
/// Takes a deleted post out of the read model and influencer_posts. Its timeline rows are left in
/// place (there may be millions); reads drop rows whose post is gone.
/// </summary>
internal sealed class PostDeletedHandler(ITimelineStore store) : INotificationHandler<PostDeleted>
{
    public ValueTask Handle(PostDeleted notification, CancellationToken cancellationToken) =>
        store.RemovePostAsync(notification.AuthorId, notification.PostId, cancellationToken);
}
