using Microsoft.AspNetCore.Http;

namespace Feed.SharedKernel.Http;

/// <summary>
/// How a request is refused outside a handler (a check before any endpoint, an endpoint that writes its own
/// response): the status and a problem document saying why.
/// </summary>
public static class Refusal
{
    public static async Task RefuseAsync(this IProblemDetailsService problems, HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }
}
