using System.Security.Claims;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.OpenApi;
using Feed.SharedKernel.Paging;
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
                    [AsParameters] PageRequest page,
                    ClaimsPrincipal user,
                    ISender sender,
                    CancellationToken cancellationToken) =>
                    TypedResults.Ok(await sender.Send(new GetTimeline(user.GetUserId(), page), cancellationToken)))
            .RequireAuthorization()
            .WithName("GetTimeline")
            .WithApiTag("Timeline", "The merged home timeline: posts of everyone you follow, newest first, page by page.")
            .WithSummary("The caller's home timeline, newest first.")
            .WithParameterDescription("cursor", "The next_cursor of the previous page; absent for the first page.")
            .WithDescription("Posts of everyone the caller follows, merged from pushed timeline rows and pulled influencer posts. Pass next_cursor back as cursor for the next page; it is null on the last page.")
            .Produces<TimelinePage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
    }
}
