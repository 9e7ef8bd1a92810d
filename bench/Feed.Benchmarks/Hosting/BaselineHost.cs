using System.Text.Json;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Problems;
using Feed.Timeline.Contracts;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.Benchmarks.Hosting;

/// <summary>
/// The ceiling of the read scenario: a host configured like Feed.Api (same builder and Kestrel
/// defaults, server GC, environment, logging, snake_case JSON, problem details, JWT bearer
/// authentication with the same key) whose one endpoint returns a fixed 20-item timeline page.
/// Whatever the API does per request beyond this — mediator, validation, store and cache reads,
/// the merge — is what the read ratio measures.
/// </summary>
internal static class BaselineHost
{
    public const string Path = "/api/baseline";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddFeedProblems();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        });
        builder.Services.AddOptions<FeedAuthOptions>()
            .Bind(builder.Configuration.GetSection(FeedAuthOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<FeedAuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = auth.Value.CreateValidationParameters();
            });
        builder.Services.AddAuthorization();
        builder.Services.AddHealthChecks();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health");

        var page = FixedPage();
        app.MapGet(Path, () => TypedResults.Ok(page)).RequireAuthorization();

        await app.RunAsync();
        return 0;
    }

    /// <summary>Twenty items shaped and sized like a real timeline page.</summary>
    private static TimelinePage FixedPage()
    {
        var start = DateTimeOffset.UnixEpoch.AddYears(56);
        var items = new TimelineItem[20];
        for (var i = 0; i < items.Length; i++)
        {
            var postId = Guid.CreateVersion7(start.AddSeconds(-i));
            items[i] = new TimelineItem(
                postId,
                Guid.CreateVersion7(start.AddDays(-30 - i)),
                $"bench_{i:D7}",
                $"https://images.example.com/bench/{postId:N}.jpg",
                "image",
                start.AddSeconds(-i));
        }

        return new TimelinePage(items, "AZq3c2VjdXJzb3ItcGxhY2Vob2xkZXItMDAwMDAwMDAwMA");
    }
}
