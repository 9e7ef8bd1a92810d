using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Feed.Social.Follows.ListFollowing;

internal static class ListFollowingEndpoint
{
    public static void Map(IEndpointRouteBuilder user) =>
        user.MapGet("/following", async Task<Ok<Page<FollowListItem>>> (
                [FromRoute(Name = "user_id")] Guid userId,
                [FromQuery(Name = "limit")] string? limit,
                [FromQuery(Name = "cursor")] string? cursor,
                ISender sender,
                CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(new ListFollowing(userId, PagingRules.ParseLimit(limit), cursor), cancellationToken)))
            .WithName("ListFollowing")
            .WithSummary("Whom a user follows, newest follow first. Pass next_cursor back as cursor for the next page.")
            .Produces<Page<FollowListItem>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
