using System.ComponentModel;
using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.OpenApi;
using Feed.SharedKernel.Validation;
using Feed.Timeline.Contracts;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Feed.Timeline.Timelines.GetTimeline;

internal static class GetTimelineEndpoint
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(
                "/api/timeline",
                async (
                    [Description("Page size, 1 to 100; 20 when absent.")] string? limit,
                    [Description("The next_cursor of the previous page; absent for the first page.")] string? cursor,
                    ClaimsPrincipal user,
                    ISender sender,
                    CancellationToken cancellationToken) =>
                    TypedResults.Ok(await sender.Send(new GetTimeline(user.GetUserId(), PagingRules.ParseLimit(limit), cursor), cancellationToken)))
            .RequireAuthorization()
            .WithName("GetTimeline")
            .WithApiTag("Timeline", "The merged home timeline: posts of everyone you follow, newest first, page by page.")
            .WithSummary("The caller's home timeline, newest first.")
            .WithDescription("Posts of everyone the caller follows, merged from pushed timeline rows and pulled influencer posts. Pass next_cursor back as cursor for the next page; it is null on the last page.")
            .Produces<TimelinePage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
    }
}
