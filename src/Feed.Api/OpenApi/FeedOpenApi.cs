using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Feed.Api.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: what the endpoints say about themselves, completed by
/// transformers that read the endpoints' metadata (authorization, tags, examples) and the platform's
/// behaviour (problem responses, paging), so a client generated from it works as it is.
/// </summary>
internal static class FeedOpenApi
{
    public static IServiceCollection AddFeedOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Feed API";
                document.Info.Description = "Instagram-style home timelines: users, posts, follows and a merged, paged timeline. "
                    + "Errors are RFC 9457 problem documents (`application/problem+json`); a validation error names each field in `errors`.";
                // The repository carries no licence file: all rights reserved until one is chosen.
                document.Info.License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" };
                TrimServerUrls(document);
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer<ModuleTags>();
            options.AddDocumentTransformer<BearerSecurity>();
            options.AddOperationTransformer<BearerSecurity>();
            options.AddOperationTransformer<ProblemResponses>();
            options.AddOperationTransformer<PagingParameters>();
            options.AddOperationTransformer<RequestExamples>();
            options.AddSchemaTransformer<PlainIntegers>();
        });
        return services;
    }

    /// <summary>
    /// The document at <c>/openapi/v1.json</c> and the Scalar reference at <c>/scalar/v1</c>, whose
    /// Authentication box offers the bearer scheme: paste a token from POST /api/auth/token there.
    /// </summary>
    public static IEndpointRouteBuilder MapFeedOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi();
        endpoints.MapScalarApiReference(options => options
            .WithTitle("Feed API")
            .AddPreferredSecuritySchemes([BearerSecurity.SchemeName])
            .EnablePersistentAuthentication()
            .ExpandAllTags()); // every operation and its request example in view, not behind "Show more"
        return endpoints;
    }

    /// <summary>A server URL ends without a slash: every path already starts with one.</summary>
    private static void TrimServerUrls(OpenApiDocument document)
    {
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }
    }
}
