using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;
using Feed.Users.Contracts;
using Feed.Users.Authentication;
using Feed.Users.Authentication.IssueToken;
using Feed.Users.InMemory;
using Feed.Users.Postgres;
using Feed.Users.Profiles.GetOwnProfile;
using Feed.Users.Profiles.GetPublicProfile;
using Feed.Users.Profiles.SearchUsers;
using Feed.Users.Profiles.UpdateOwnProfile;
using Feed.Users.Registration.RegisterUser;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Feed.Users;

/// <summary>The Users module's entry points for the host: registration and HTTP endpoints.</summary>
public static class UsersModule
{
    public static IServiceCollection AddUsers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UsersOptions>()
            .Bind(configuration.GetSection(UsersOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        // The adapter is chosen once, at start-up, by the same setting that registers the storage.
        if (configuration.UsesPostgres())
        {
            services.ConfigureMarten(UserDocumentMapping.Configure);
            services.TryAddSingleton<IUserStore, MartenUserStore>();
        }
        else
        {
            // Shared with the other modules' in-memory stores, which check their writes against it.
            services.TryAddSingleton<InMemoryRegisteredUsers>();
            services.TryAddSingleton<IUserStore, InMemoryUserStore>();
        }

        services.AddOutboxMessage<InfluencerStatusChanged>("users.influencer_status_changed");
        services.TryAddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.TryAddSingleton<PasswordHashes>();
        services.TryAddSingleton<CurrentUserTokens>();
        // Every JWT scheme (the bearer token, and a module's own, such as the stream token): a password change ends them all.
        services.ConfigureAll<JwtBearerOptions>(CurrentUserTokens.AddTo);
        services.AddValidatorsFromAssembly(typeof(UsersModule).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true); // stateless: built once, not per request
        return services;
    }

    /// <summary>Every route of the module, one line each; the handler and what it documents are in its slice.</summary>
    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/api/users")
            .WithApiTag("Users", "Registration, profiles and finding people by username. Email, phone and age are shown to their owner only.");
        users.MapPost(string.Empty, RegisterUserEndpoint.Handle).WithRequestExample(RegisterUserEndpoint.Example);
        users.MapGet(string.Empty, SearchUsersEndpoint.Handle);
        users.MapGet("/me", GetOwnProfileEndpoint.Handle);
        users.MapPatch("/me", UpdateOwnProfileEndpoint.Handle).WithRequestExample(UpdateOwnProfileEndpoint.Example);
        users.MapGet("/{user_id:guid}", GetPublicProfileEndpoint.Handle);

        var auth = endpoints.MapGroup("/api/auth")
            .WithApiTag("Auth", "Bearer tokens: exchange a username and password for the token the other operations take.");
        auth.MapPost("/token", IssueTokenEndpoint.Handle).WithRequestExample(IssueTokenEndpoint.Example);
        return endpoints;
    }
}
