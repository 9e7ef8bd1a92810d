using Feed.SharedKernel.Problems;
using Feed.Social.Contracts;
using Mediator;

namespace Feed.Social.Posts.DeletePost;

internal sealed class DeletePostHandler(IPostStore posts, IPublisher publisher) : ICommandHandler<DeletePost>
{
    public async ValueTask<Unit> Handle(DeletePost command, CancellationToken cancellationToken)
    {
        var post = await posts.GetAsync(command.PostId, cancellationToken) ?? throw NotFound(command.PostId);
        if (post.UserId != command.RequestedBy)
        {
            throw new ForbiddenException("Only the author of a post can delete it.");
        }

        // A concurrent delete may have won; only the one that removed the post announces it.
        _ = await posts.DeleteAsync(command.PostId, cancellationToken) ?? throw NotFound(command.PostId);
        await publisher.Publish(new PostDeleted(post.PostId, post.UserId), CancellationToken.None);
        return Unit.Value;
    }

    private static NotFoundException NotFound(Guid postId) => new($"Post {postId} does not exist.");
}
