using Feed.SharedKernel.Paging;
using Feed.Timeline.Contracts;
using FluentValidation;
using Mediator;

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
