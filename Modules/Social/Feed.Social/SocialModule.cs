using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.Social;

/// <summary>The Social module's entry points for the host: registration and HTTP endpoints.</summary>
public static class SocialModule
{
    public static IServiceCollection AddSocial(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapSocialEndpoints(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
