using Mediator;

namespace Feed.Social.Posts.CreatePost;

/// <summary>The JSON body of <c>POST /api/posts</c>.</summary>
internal sealed record CreatePostRequest(string? PostUrl, string? PostType);

/// <summary>Publishes a post as <paramref name="UserId"/> (the authenticated user).</summary>
internal sealed record CreatePost(Guid UserId, string? PostUrl, string? PostType) : ICommand<PostResponse>;
