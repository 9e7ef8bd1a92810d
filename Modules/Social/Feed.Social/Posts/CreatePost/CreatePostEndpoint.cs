using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Http;
using Feed.SharedKernel.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Feed.Social.Posts.CreatePost;

internal static class CreatePostEndpoint
{
    public static void Map(IEndpointRouteBuilder posts) =>
        posts.MapPost(string.Empty, async Task<Created<PostResponse>> (
                [FromBody] CreatePostRequest request, ClaimsPrincipal user, ISender sender, CancellationToken cancellationToken) =>
            {
                var post = await sender.Send(new CreatePost(user.GetUserId(), request.PostUrl, request.PostType), cancellationToken);
                return TypedResults.Created($"/api/posts/{post.PostId}", post);
            })
            .RequireAuthorization()
            .WithName("CreatePost")
            .WithSummary("Publish a post as the authenticated user.")
            .WithRequestExample(new CreatePostRequest("https://images.example.com/1.jpg", "image"))
            .Produces<PostResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .RateLimited(RateLimitPolicies.Writes);
}
