using Mediator;

namespace Feed.Social.Posts.DeletePost;

/// <summary>Deletes a post on behalf of <paramref name="RequestedBy"/>, who must be its author.</summary>
internal sealed record DeletePost(Guid PostId, Guid RequestedBy) : ICommand;
