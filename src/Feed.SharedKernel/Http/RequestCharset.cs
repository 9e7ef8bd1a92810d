using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace Feed.SharedKernel.Http;

/// <summary>
/// Checks the charset of a request body before anything reads it. The framework's JSON reader decodes
/// a body in any charset .NET knows (UTF-8, UTF-16, UTF-32, ASCII, Latin-1) but throws, a 500, on any
/// other, and on a quoted one: <c>charset="utf-8"</c>, which RFC 9110 makes the same value as unquoted.
/// So an unknown charset is a 415 naming it, and a quoted one is read as the same charset unquoted.
/// </summary>
public sealed class RequestCharsetMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        // Only an endpoint that reads a JSON body decodes one, and only when there is a body to read.
        if (context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is null
            || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }
            || !MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.Charset.HasValue)
        {
            return next(context);
        }

        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset);
        if (!IsKnown(charset.Value))
        {
            return problems.RefuseAsync(
                context,
                StatusCodes.Status415UnsupportedMediaType,
                $"The request body's charset '{charset.Value}' is not supported: send JSON in UTF-8, with 'Content-Type: application/json'.");
        }

        if (charset.Length != mediaType.Charset.Length)
        {
            mediaType.Charset = charset;
            request.ContentType = mediaType.ToString();
        }

        return next(context);
    }

    private static bool IsKnown(string? charset)
    {
        if (string.IsNullOrEmpty(charset))
        {
            return false;
        }

        try
        {
            _ = Encoding.GetEncoding(charset);
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
        {
            return false; // an unknown name, or UTF-7, which .NET refuses to decode
        }
    }
}

public static class RequestCharsetRegistration
{
    /// <summary>Goes after routing (it asks the endpoint whether it reads a body) and before anything reads the body.</summary>
    public static IApplicationBuilder UseFeedRequestCharset(this IApplicationBuilder app) => app.UseMiddleware<RequestCharsetMiddleware>();
}
