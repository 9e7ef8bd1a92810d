using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Mediator;

namespace Feed.Social.Posts.CreatePost;

internal sealed class CreatePostHandler(IPostStore posts, IPublisher publisher, TimeProvider time)
    : ICommandHandler<CreatePost, PostResponse>
{
    public async ValueTask<PostResponse> Handle(CreatePost command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNowMilliseconds();
        var post = new Post(time.NewId(), command.UserId, command.PostUrl!, command.PostType!, now, now);
        await posts.AddAsync(post, cancellationToken);

        // The post is saved: its fan-out must not be abandoned because the client went away.
        await publisher.Publish(
            new PostCreated(new PostSummary(post.PostId, post.UserId, post.PostUrl, post.PostType, post.CreatedOn)),
            CancellationToken.None);
        return PostResponse.From(post);
    }
}
