using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.SharedKernel.Http;

/// <summary>Size limits of a request (<c>Feed:Http</c>). The API takes small JSON objects only.</summary>
public sealed class RequestLimitsOptions
{
    public const string SectionName = "Feed:Http";

    /// <summary>The largest body accepted; a larger one is a 413 before it is read.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The longest request target (path and query) accepted; a longer one is a 414.</summary>
    [Range(256, 64 * 1024)]
    public int MaxRequestTargetLength { get; set; } = 8 * 1024;

    /// <summary>The most header bytes accepted; more is a 431.</summary>
    [Range(1024, 512 * 1024)]
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;
}

/// <summary>
/// Refuses a request over a limit with a problem document, before its body is read. Kestrel enforces
/// the body limit too (for bodies sent without a length), and keeps its own request-line and header
/// limits at twice these as a backstop: only a request that far over is answered by Kestrel itself,
/// with an empty 414 or 431, because Kestrel stops parsing it before any middleware runs.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<RequestLimitsOptions> options, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limits = options.Value;
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var targetLength = string.IsNullOrEmpty(target) ? request.Path.Value!.Length + request.QueryString.Value!.Length : target.Length;
        if (targetLength > limits.MaxRequestTargetLength)
        {
            return problems.RefuseAsync(context, StatusCodes.Status414UriTooLong, $"The request target (path and query) is longer than {limits.MaxRequestTargetLength} characters.");
        }

        if (HeaderBytes(request.Headers) > limits.MaxRequestHeadersBytes)
        {
            return problems.RefuseAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, $"The request headers are larger than {limits.MaxRequestHeadersBytes} bytes.");
        }

        if (request.ContentLength > limits.MaxRequestBodyBytes)
        {
            // The connection closes after the answer, so the client need not send the rest and the server never reads it.
            // (HTTP/2 and 3 have no such header: there the stream is reset instead.)
            if (HttpProtocol.IsHttp11(request.Protocol) || HttpProtocol.IsHttp10(request.Protocol))
            {
                context.Response.Headers.Connection = "close";
            }

            return problems.RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, BodyTooLarge(limits));
        }

        return next(context);
    }

    public static string BodyTooLarge(RequestLimitsOptions limits) => $"The request body is larger than {limits.MaxRequestBodyBytes} bytes.";

    private static long HeaderBytes(IHeaderDictionary headers)
    {
        long total = 0;
        foreach (var (name, values) in headers)
        {
            total += name.Length + 4; // ": " and CRLF
            foreach (var value in values)
            {
                total += value?.Length ?? 0;
            }
        }

        return total;
    }
}

public static class RequestLimitsRegistration
{
    public static IServiceCollection AddFeedRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestLimitsOptions>()
            .Bind(configuration.GetSection(RequestLimitsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>>((kestrel, limits) =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestLineSize = 2 * limits.Value.MaxRequestTargetLength;
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * limits.Value.MaxRequestHeadersBytes;
        });
        return services;
    }

    /// <summary>Goes right after the exception handler and status code pages, before anything reads the request.</summary>
    public static IApplicationBuilder UseFeedRequestLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestLimitsMiddleware>();
}
