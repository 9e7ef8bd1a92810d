using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Feed.Social.Follows.ListFollowers;

internal static class ListFollowersEndpoint
{
    public static void Map(IEndpointRouteBuilder user) =>
        user.MapGet("/followers", async Task<Ok<Page<FollowListItem>>> (
                [FromRoute(Name = "user_id")] Guid userId,
                [FromQuery(Name = "limit")] string? limit,
                [FromQuery(Name = "cursor")] string? cursor,
                ISender sender,
                CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(new ListFollowers(userId, PagingRules.ParseLimit(limit), cursor), cancellationToken)))
            .WithName("ListFollowers")
            .WithSummary("Who follows a user, newest follow first. Pass next_cursor back as cursor for the next page.")
            .Produces<Page<FollowListItem>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
