using System.Text.Json;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Problems;
using Feed.SharedKernel.Storage;
using Feed.SharedKernel.Validation;
using Mediator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Feed.Api;

/// <summary>What every module relies on: clock, mediator, validation, problems, JSON, auth and OpenAPI.</summary>
internal static class FeedPlatform
{
    public static IServiceCollection AddFeedPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(ValidationBehavior<,>)];
        });

        services.AddFeedStorage(configuration);
        services.AddFeedOutbox(configuration);
        services.AddFeedProblems();
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });

        services.AddOptions<FeedAuthOptions>()
            .Bind(configuration.GetSection(FeedAuthOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<FeedAuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = auth.Value.CreateValidationParameters();
            });
        services.AddAuthorization();

        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Feed API";
            document.Info.Description = "Instagram-style home timelines: users, posts, follows and a merged, paged timeline.";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks();
        return services;
    }
}
