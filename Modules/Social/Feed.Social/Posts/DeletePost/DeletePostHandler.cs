using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Time;
using Feed.Social.Contracts;
using Mediator;

namespace Feed.Social.Posts.DeletePost;

internal sealed class DeletePostHandler(IPostStore posts, OutboxMessageTypes announcements, TimeProvider time) : ICommandHandler<DeletePost>
{
    public async ValueTask<Unit> Handle(DeletePost command, CancellationToken cancellationToken)
    {
        var post = await posts.GetAsync(command.PostId, cancellationToken) ?? throw NotFound(command.PostId);
        if (post.UserId != command.RequestedBy)
        {
            throw new ForbiddenException("Only the author of a post can delete it.");
        }

        // A concurrent delete may have won; the store keeps the announcement only with the delete that removed the post.
        var deleted = announcements.Wrap(new PostDeleted(post.PostId, post.UserId), time.NewId(), time.GetUtcNow());
        _ = await posts.DeleteAsync(command.PostId, deleted, cancellationToken) ?? throw NotFound(command.PostId);
        return Unit.Value;
    }

    private static NotFoundException NotFound(Guid postId) => new($"Post {postId} does not exist.");
}
