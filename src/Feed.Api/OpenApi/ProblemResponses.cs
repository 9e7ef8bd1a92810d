using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Feed.Api.OpenApi;

/// <summary>
/// An error any operation of a kind can answer because of the platform, not of its own handler: the
/// request limits, the media type, a store outage. One line per problem; an operation's own errors
/// (400, 401, 403, 404, 409) are declared beside its endpoint, in its module.
/// </summary>
internal sealed record PlatformProblem(int Status, string Description, Func<ApiDescription, bool> AppliesTo, bool RetryAfter = false);

internal sealed class ProblemResponses : IOpenApiOperationTransformer
{
    /// <summary>The component the endpoints' own <c>ProducesProblem</c> declarations put in the document (Redocly reports it if it ever goes missing).</summary>
    public const string ProblemSchema = "ProblemDetails";

    public static readonly IReadOnlyList<PlatformProblem> Platform =
    [
        new(StatusCodes.Status413PayloadTooLarge, "The request body is larger than the service accepts (Feed:Http:MaxRequestBodyBytes).", HasBody),
        new(StatusCodes.Status415UnsupportedMediaType, "The request body is not sent as application/json.", HasBody),
        new(StatusCodes.Status503ServiceUnavailable, "The data store is unavailable for a moment: retry after the seconds in Retry-After.", Always, RetryAfter: true),
        new(StatusCodes.Status429TooManyRequests, "Too many requests from this client address or user: retry after the seconds in Retry-After (Feed:RateLimits).", IsRateLimited, RetryAfter: true),
    ];

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        foreach (var problem in Platform.Where(problem => problem.AppliesTo(context.Description)))
        {
            operation.Responses.TryAdd(problem.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), Response(problem, context.Document));
        }

        return Task.CompletedTask;
    }

    private static OpenApiResponse Response(PlatformProblem problem, OpenApiDocument? document)
    {
        var response = new OpenApiResponse
        {
            Description = problem.Description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
        if (problem.RetryAfter)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before trying again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                },
            };
        }

        return response;
    }

    private static bool HasBody(ApiDescription operation) =>
        operation.ParameterDescriptions.Any(parameter => parameter.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);

    private static bool Always(ApiDescription operation) => true;

    private static bool IsRateLimited(ApiDescription operation) =>
        operation.ActionDescriptor.EndpointMetadata.OfType<EnableRateLimitingAttribute>().Any();
}
