using Microsoft.AspNetCore.Http;

namespace Feed.SharedKernel.Http;

/// <summary>How a request check that runs before any endpoint answers: the status and a problem document saying why.</summary>
internal static class Refusal
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
