using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;
using Feed.Social.Contracts;
using Feed.Social.Follows;
using Feed.Social.Follows.FollowUser;
using Feed.Social.Follows.ListFollows;
using Feed.Social.Follows.UnfollowUser;
using Feed.Social.InMemory;
using Feed.Social.Posts;
using Feed.Social.Posts.CreatePost;
using Feed.Social.Posts.DeletePost;
using Feed.Social.Posts.GetPost;
using Feed.Social.Posts.ListUserPosts;
using Feed.Social.Postgres;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.Social;

/// <summary>The Social module's entry points for the host: registration and HTTP endpoints.</summary>
public static class SocialModule
{
    private const string PostsTag = "Publishing, reading and deleting posts; a deleted post leaves every timeline.";

    public static IServiceCollection AddSocial(this IServiceCollection services, IConfiguration configuration)
    {
        // Chosen once: PostgreSQL keeps the data (its tables created or migrated at start-up);
        // the in-memory adapters hold it for the life of the process.
        if (configuration.UsesPostgres())
        {
            services.ConfigureMarten(options =>
            {
                foreach (var table in SocialTables.All())
                {
                    options.Storage.ExtendedSchemaObjects.Add(table);
                }
            });
            services.TryAddSingleton<IPostStore, PostgresPostStore>();
            services.TryAddSingleton<IFollowStore, PostgresFollowStore>();
        }
        else
        {
            // Shared with the Users module's in-memory store, which registers every new user in it.
            services.TryAddSingleton<InMemoryRegisteredUsers>();
            services.TryAddSingleton<IPostStore, InMemoryPostStore>();
            services.TryAddSingleton<IFollowStore, InMemoryFollowStore>();
        }

        // What Social announces travels through the outbox under these names (stable: stored messages keep them).
        services.AddOutboxMessage<PostCreated>("social.post_created");
        services.AddOutboxMessage<PostDeleted>("social.post_deleted");
        services.AddOutboxMessage<UserFollowed>("social.user_followed");
        services.AddOutboxMessage<UserUnfollowed>("social.user_unfollowed");
        services.AddValidatorsFromAssembly(typeof(SocialModule).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true); // stateless: built once, not per request
        return services;
    }

    /// <summary>Every route of the module, one line each; the handler and what it documents are in its slice.</summary>
    public static IEndpointRouteBuilder MapSocialEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var posts = endpoints.MapGroup("/api/posts").WithApiTag("Posts", PostsTag);
        posts.MapPost(string.Empty, CreatePostEndpoint.Handle).WithRequestExample(CreatePostEndpoint.Example);
        posts.MapGet("/{post_id:guid}", GetPostEndpoint.Handle);
        posts.MapDelete("/{post_id:guid}", DeletePostEndpoint.Handle);

        var userPosts = endpoints.MapGroup("/api/users/{user_id:guid}/posts").WithApiTag("Posts", PostsTag);
        userPosts.MapGet(string.Empty, ListUserPostsEndpoint.Handle);

        var follows = endpoints.MapGroup("/api/users/{user_id:guid}")
            .WithApiTag("Follows", "Following and unfollowing people, and who follows whom. Following someone brings their recent posts into your timeline.");
        follows.MapPost("/follow", FollowUserEndpoint.Handle);
        follows.MapDelete("/follow", UnfollowUserEndpoint.Handle);
        follows.MapGet("/followers", ListFollowsEndpoint.Followers);
        follows.MapGet("/following", ListFollowsEndpoint.Following);
        return endpoints;
    }
}
