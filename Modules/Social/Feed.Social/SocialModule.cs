using Feed.Social.Follows;
using Feed.Social.Follows.FollowUser;
using Feed.Social.Follows.ListFollowers;
using Feed.Social.Follows.ListFollowing;
using Feed.Social.Follows.UnfollowUser;
using Feed.Social.InMemory;
using Feed.Social.Posts;
using Feed.Social.Posts.CreatePost;
using Feed.Social.Posts.DeletePost;
using Feed.Social.Posts.GetPost;
using Feed.Social.Posts.ListUserPosts;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.Social;

/// <summary>The Social module's entry points for the host: registration and HTTP endpoints.</summary>
public static class SocialModule
{
    public static IServiceCollection AddSocial(this IServiceCollection services, IConfiguration configuration)
    {
        // In-memory adapters hold the data for the life of the process; a PostgreSQL adapter replaces them.
        services.TryAddSingleton<IPostStore, InMemoryPostStore>();
        services.TryAddSingleton<IFollowStore, InMemoryFollowStore>();
        services.AddValidatorsFromAssembly(typeof(SocialModule).Assembly, includeInternalTypes: true);
        return services;
    }

    public static IEndpointRouteBuilder MapSocialEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var posts = endpoints.MapGroup("/api/posts").WithTags("Posts");
        CreatePostEndpoint.Map(posts);
        GetPostEndpoint.Map(posts);
        DeletePostEndpoint.Map(posts);

        var userPosts = endpoints.MapGroup("/api/users/{user_id:guid}/posts").WithTags("Posts");
        ListUserPostsEndpoint.Map(userPosts);

        var follows = endpoints.MapGroup("/api/users/{user_id:guid}").WithTags("Follows");
        FollowUserEndpoint.Map(follows);
        UnfollowUserEndpoint.Map(follows);
        ListFollowersEndpoint.Map(follows);
        ListFollowingEndpoint.Map(follows);
        return endpoints;
    }
}
