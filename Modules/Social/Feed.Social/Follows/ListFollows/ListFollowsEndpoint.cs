using Feed.SharedKernel.Paging;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Feed.Social.Follows.ListFollows;

internal static class ListFollowsEndpoint
{
    /// <summary>Both lists of a user's follows: one route and one operation each, one query with a direction behind them.</summary>
    public static void Map(IEndpointRouteBuilder user)
    {
        Map(user, "/followers", FollowDirection.Followers, "ListFollowers", "Who follows a user, newest follow first. Pass next_cursor back as cursor for the next page.");
        Map(user, "/following", FollowDirection.Following, "ListFollowing", "Whom a user follows, newest follow first. Pass next_cursor back as cursor for the next page.");
    }

    private static void Map(IEndpointRouteBuilder user, string pattern, FollowDirection direction, string operationId, string summary) =>
        user.MapGet(pattern, async Task<Ok<Page<FollowListItem>>> (
                [FromRoute(Name = "user_id")] Guid userId,
                [AsParameters] PageRequest page,
                ISender sender,
                CancellationToken cancellationToken) =>
                TypedResults.Ok(await sender.Send(new ListFollows(userId, direction, page), cancellationToken)))
            .WithName(operationId)
            .WithSummary(summary)
            .Produces<Page<FollowListItem>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
}
