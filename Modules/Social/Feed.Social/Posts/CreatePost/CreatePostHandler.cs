using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Mediator;

namespace Feed.Social.Posts.CreatePost;

internal sealed class CreatePostHandler(IPostStore posts, OutboxMessageTypes announcements, TimeProvider time)
    : ICommandHandler<CreatePost, PostResponse>
{
    public async ValueTask<PostResponse> Handle(CreatePost command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowMilliseconds();
        var post = new Post(time.NewId(), command.UserId, command.PostUrl!, command.PostType!, now, now);

        // The announcement commits with the post: the fan-out cannot be lost to a crash, and the
        // outbox delivers it (at least once) even if the client has gone away. It is stamped with the
        // full-precision time, not the post's millisecond: the outbox delivers oldest first, and a
        // delete in the same millisecond must still come after.
        var created = new PostCreated(new PostSummary(post.PostId, post.UserId, post.PostUrl, post.PostType, post.CreatedOn));
        await posts.AddAsync(post, announcements.Wrap(created, time.NewId(), time.GetUtcNow()), cancellationToken);
        return PostResponse.From(post);
    }
}
