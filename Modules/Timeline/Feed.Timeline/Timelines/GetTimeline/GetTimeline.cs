using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using Feed.Timeline.Contracts;
using FluentValidation;
using Mediator;

namespace Feed.Timeline.Timelines.GetTimeline;

/// <summary>A page of <paramref name="UserId"/>'s home timeline, newest first, starting after <paramref name="Cursor"/>.</summary>
internal sealed record GetTimeline(Guid UserId, int? Limit, string? Cursor) : IQuery<TimelinePage>;

internal sealed class GetTimelineValidator : AbstractValidator<GetTimeline>
{
    public GetTimelineValidator(PageCursors cursors)
    {
        RuleFor(query => query.Limit).ValidPageSize();
        RuleFor(query => query.Cursor).ValidCursor(cursors, CursorList.Timeline, query => query.UserId);
    }
}
