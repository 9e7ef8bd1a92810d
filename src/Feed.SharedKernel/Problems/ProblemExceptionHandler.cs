using System.Text;
using System.Text.Json;
using Feed.SharedKernel.Http;
using Feed.SharedKernel.Storage;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.SharedKernel.Problems;

/// <summary>
/// Turns every expected failure into an RFC 9457 problem response. Field names in <c>errors</c>
/// are spelled as in the JSON contract (snake_case), so a client can point at the exact input.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>The name a problem with the request body as a whole is filed under in <c>errors</c>.</summary>
    public const string BodyField = "body";

    public const string UnsupportedMediaType = "The request body must be JSON, sent with 'Content-Type: application/json'.";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationException validation => ValidationProblem(validation),
            FeedProblemException feed => FeedProblem(feed),
            BadHttpRequestException badRequest => BadRequestProblem(httpContext, badRequest),
            _ when StoreFailures.IsOutage(exception) => StoreUnavailableProblem(httpContext),
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    public static string FieldName(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(part => JsonNamingPolicy.SnakeCaseLower.ConvertName(part)));

    private static HttpValidationProblemDetails ValidationProblem(ValidationException exception)
    {
        var errors = exception.Errors
            .GroupBy(failure => FieldName(failure.PropertyName))
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).Distinct().ToArray());
        return new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Detail = string.Join(' ', errors.Select(pair => $"{pair.Key}: {string.Join(' ', pair.Value)}")),
        };
    }

    private static ProblemDetails FeedProblem(FeedProblemException exception)
    {
        if (exception.Field is { } field)
        {
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [exception.Message] })
            {
                Status = exception.Status,
                Title = exception.Title,
                Detail = exception.Message,
            };
        }

        return new ProblemDetails { Status = exception.Status, Title = exception.Title, Detail = exception.Message };
    }

    /// <summary>The store is down or restarting: nothing is wrong with the request, so say when to try again.</summary>
    private static ProblemDetails StoreUnavailableProblem(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = ((int)StoreFailures.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Service Unavailable",
            Detail = "The data store is unavailable for a moment; try again after the time in Retry-After.",
        };
    }

    /// <summary>
    /// A request the framework could not bind: wrong media type, a body too large, or a body that is
    /// empty, not JSON or holds a value of the wrong type. Said in plain words, naming the field (or
    /// <c>body</c>), never with the framework's own text.
    /// </summary>
    private static ProblemDetails BadRequestProblem(HttpContext httpContext, BadHttpRequestException exception)
    {
        switch (exception.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return new ProblemDetails { Status = exception.StatusCode, Detail = RequestLimitsMiddleware.BodyTooLarge(LimitsOf(httpContext)) };
            case StatusCodes.Status415UnsupportedMediaType:
                return new ProblemDetails { Status = exception.StatusCode, Detail = UnsupportedMediaType };
            case not StatusCodes.Status400BadRequest:
                return new ProblemDetails { Status = exception.StatusCode };
        }

        if (exception.InnerException is JsonException json)
        {
            return JsonProblem(json);
        }

        // The only other binding failure of an endpoint with a body: the body is required and absent (or JSON null).
        // (The exception handler has cleared the request's endpoint; the feature keeps the one that failed.)
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        return endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is not null
            ? FieldProblem(BodyField, "The request body is empty: send a JSON object.")
            : new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad Request", Detail = "The request could not be read." };
    }

    private static HttpValidationProblemDetails JsonProblem(JsonException exception)
    {
        // A syntax error comes from the reader (the inner exception); its position helps find it.
        if (exception.InnerException is JsonException)
        {
            return FieldProblem(BodyField, $"The request body is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1}).");
        }

        var path = exception.Path?.TrimStart('$', '.');
        if (string.IsNullOrEmpty(path))
        {
            return FieldProblem(BodyField, "The request body must be a JSON object.");
        }

        var field = FieldName(path);
        return FieldProblem(field, exception.InnerException switch
        {
            InvalidOperationException { InnerException: DecoderFallbackException } => $"'{field}' is not valid text: it holds invalid UTF-8.",
            // The reader throws the same exception for a token of the wrong type (5 for a text field, the
            // commonest mistake) as for an unpaired surrogate, and tells them apart only in its message.
            InvalidOperationException => $"'{field}' has a value of the wrong type, or text that is not valid (invalid UTF-8 or an unpaired surrogate).",
            _ => $"'{field}' has a value of the wrong type or format.",
        });
    }

    private static HttpValidationProblemDetails FieldProblem(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Detail = $"{field}: {message}",
        };

    private static RequestLimitsOptions LimitsOf(HttpContext httpContext) =>
        httpContext.RequestServices.GetService<IOptions<RequestLimitsOptions>>()?.Value ?? new RequestLimitsOptions();
}
