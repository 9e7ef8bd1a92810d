using Feed.Social.Contracts;
using Feed.Timeline.FanOut;
using Feed.Timeline.Live;
using Mediator;

namespace Feed.Timeline.Notifications.OnPostCreated;

/// <summary>
/// Keeps the post for hydration, then delivers it. Runs as the outbox dispatcher delivers <see cref="PostCreated"/>
/// (at least once, retried), so every step is idempotent and a fan-out resumes where it stopped.
/// </summary>
internal sealed class PostCreatedHandler(ITimelinePostStore store, FanOutPost fanOut, LiveTimelineEvents live) : INotificationHandler<PostCreated>
{
    public async ValueTask Handle(PostCreated notification, CancellationToken cancellationToken)
    {
        var created = notification.Post;
        var post = new TimelinePost(created.PostId, created.AuthorId, created.PostUrl, created.PostType, created.CreatedOn);
        // A post deleted before this (late or repeated) delivery stays deleted: nothing to deliver.
        if (!await store.SavePostAsync(post, cancellationToken))
        {
            return;
        }

        await fanOut.RunAsync(post, cancellationToken);
        await live.PostAddedAsync(post, cancellationToken);
    }
}
