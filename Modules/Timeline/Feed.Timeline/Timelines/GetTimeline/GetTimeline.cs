using Feed.SharedKernel.Paging;
using Feed.Timeline.Contracts;
using FluentValidation;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>A page of <paramref name="UserId"/>'s home timeline, newest first, starting after its <paramref name="Page"/>'s cursor.</summary>
internal sealed record GetTimeline(Guid UserId, PageRequest Page) : IQuery<TimelinePage>;

internal sealed class GetTimelineValidator : AbstractValidator<GetTimeline>
{
    public GetTimelineValidator(PageCursors cursors)
    {
        RuleFor(query => query.Page).ValidPage(cursors, _ => CursorList.Timeline, query => query.UserId);
    }
}

internal static class GetTimelineEndpoint
{
    [Authorize]
    [EndpointName("GetTimeline"), EndpointSummary("The caller's home timeline, newest first.")]
    [EndpointDescription("Posts of everyone the caller follows, merged from pushed timeline rows and pulled influencer posts. Pass next_cursor back as cursor for the next page; it is null on the last page.")]
    [ParameterDescription("cursor", "The next_cursor of the previous page; absent for the first page.")]
    [ProducesProblem(StatusCodes.Status400BadRequest), ProducesProblem(StatusCodes.Status401Unauthorized)]
    public static async Task<Ok<TimelinePage>> Handle([AsParameters] PageRequest page, ClaimsPrincipal user, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetTimeline(user.GetUserId(), page), cancellationToken));
}
