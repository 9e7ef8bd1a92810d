using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.Users;

/// <summary>The Users module's entry points for the host: registration and HTTP endpoints.</summary>
public static class UsersModule
{
    public static IServiceCollection AddUsers(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
