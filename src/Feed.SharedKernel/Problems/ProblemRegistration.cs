using Feed.SharedKernel.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Feed.SharedKernel.Problems;

public static class ProblemRegistration
{
    /// <summary>Problem details for every error response, with expected failures mapped by <see cref="ProblemExceptionHandler"/>.</summary>
    public static IServiceCollection AddFeedProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = DescribeBareStatus);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>());
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// A status the framework sets without words (unknown route, wrong method, too large...) gets a plain-words detail;
    /// one the framework has no <c>type</c> for gets the link to its definition, as the others have.
    /// </summary>
    private static void DescribeBareStatus(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Type ??= TypeFor(problem.Status);
        if (problem.Detail is not null)
        {
            return;
        }

        var http = context.HttpContext;
        problem.Detail = problem.Status switch
        {
            // The same words whatever was wrong with the token: why it was refused is for the log only.
            StatusCodes.Status401Unauthorized => "A valid bearer token is required: get one from POST /api/auth/token and send it as 'Authorization: Bearer <token>'.",
            StatusCodes.Status404NotFound when http.GetEndpoint() is null => "No resource exists at this path.",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Method} is not allowed on this path."
                + (http.Response.Headers.Allow.Count > 0 ? $" Allowed: {http.Response.Headers.Allow}." : string.Empty),
            StatusCodes.Status413PayloadTooLarge => RequestLimitsMiddleware.BodyTooLarge(
                http.RequestServices.GetService<IOptions<RequestLimitsOptions>>()?.Value ?? new RequestLimitsOptions()),
            StatusCodes.Status415UnsupportedMediaType => ProblemExceptionHandler.UnsupportedMediaType,
            StatusCodes.Status500InternalServerError => "The service failed unexpectedly; the failure is logged under this trace_id.",
            _ => null,
        };
    }

    /// <summary>
    /// Where the status is defined, linked as the framework links the ones it knows (RFC 9110, section 15; 429 and 431
    /// are RFC 6585's). Used when the framework gave none: statuses it has no link for, and the fallback writer.
    /// </summary>
    private static string? TypeFor(int? status) => status switch
    {
        >= 400 and <= 417 => $"https://tools.ietf.org/html/rfc9110#section-15.5.{status - 399}",
        421 or 422 => $"https://tools.ietf.org/html/rfc9110#section-15.5.{status - 401}",
        426 => "https://tools.ietf.org/html/rfc9110#section-15.5.22",
        StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "https://tools.ietf.org/html/rfc6585#section-5",
        >= 500 and <= 505 => $"https://tools.ietf.org/html/rfc9110#section-15.6.{status - 499}",
        _ => null,
    };
}

/// <summary>
/// The framework's writer answers only a client that accepts JSON; any other (a browser sending
/// <c>Accept: text/html</c>) would get plain text. This API has no other format, so such a client gets
/// the same problem document, filled the way the framework fills it (status, title, trace id).
/// </summary>
internal sealed class ProblemJsonFallbackWriter(IOptions<ProblemDetailsOptions> options, IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue ProblemJson = new("application/problem+json");

    public bool CanWrite(ProblemDetailsContext context)
    {
        var accept = context.HttpContext.Request.GetTypedHeaders().Accept;
        return accept.Count > 0 && !accept.Any(value => Json.IsSubsetOf(value) || ProblemJson.IsSubsetOf(value));
    }

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        var serializer = json.Value.SerializerOptions;
        problem.Extensions.TryAdd(serializer.DictionaryKeyPolicy?.ConvertName("traceId") ?? "traceId", System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        await http.Response.WriteAsJsonAsync(problem, problem.GetType(), serializer, "application/problem+json", http.RequestAborted);
    }
}
