using System.Text.Json;
using Feed.SharedKernel.Storage;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.SharedKernel.Problems;

/// <summary>
/// Turns every expected failure into an RFC 9457 problem response. Field names in <c>errors</c>
/// are spelled as in the JSON contract (snake_case), so a client can point at the exact input.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationException validation => ValidationProblem(validation),
            FeedProblemException feed => FeedProblem(feed),
            BadHttpRequestException badRequest => BadRequestProblem(badRequest),
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

    private static ProblemDetails BadRequestProblem(BadHttpRequestException exception)
    {
        // A body that is not valid JSON, or holds a value of the wrong type: name the field from the JSON path.
        if (exception.InnerException is JsonException { Path: { Length: > 2 } path })
        {
            var field = FieldName(path.TrimStart('$', '.'));
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [$"'{field}' has a value of the wrong type or format."] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
                Detail = $"{field}: the value has the wrong type or format.",
            };
        }

        return new ProblemDetails
        {
            Status = exception.StatusCode,
            Title = "Bad Request",
            Detail = exception.InnerException is JsonException ? "The request body is not valid JSON." : exception.Message,
        };
    }
}

public static class ProblemRegistration
{
    /// <summary>Problem details for every error response, with expected failures mapped by <see cref="ProblemExceptionHandler"/>.</summary>
    public static IServiceCollection AddFeedProblems(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
