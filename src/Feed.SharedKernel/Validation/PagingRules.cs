using System.Globalization;
using Feed.SharedKernel.Paging;
using FluentValidation;
using FluentValidation.Results;

namespace Feed.SharedKernel.Validation;

public static class PagingRules
{
    public static IRuleBuilderOptions<T, int?> ValidPageSize<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(PageSize.Min, PageSize.Max)
            .WithMessage($"'limit' must be between {PageSize.Min} and {PageSize.Max}.");

    /// <summary>
    /// A cursor handed to a client: it must be one <paramref name="cursors"/> issued for this
    /// <paramref name="list"/> of this <paramref name="owner"/>, unchanged. Absent is the first page.
    /// </summary>
    public static IRuleBuilderOptionsConditions<T, string?> ValidCursor<T>(
        this IRuleBuilder<T, string?> rule, PageCursors cursors, CursorList list, Func<T, Guid> owner) =>
        rule.Custom((value, context) =>
        {
            if (value is not null && !cursors.TryDecode(list, owner(context.InstanceToValidate), value, out _, out var problem))
            {
                context.AddFailure(problem);
            }
        });

    /// <summary>A cursor passed between modules in process (never to a client), unsigned.</summary>
    public static IRuleBuilderOptions<T, string?> ValidInternalCursor<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(Cursor.IsValid).WithMessage("'cursor' is not a cursor returned by this API.");

    /// <summary>
    /// Reads the raw <c>limit</c> query value. Bound as a string so that "abc" becomes a 400 naming
    /// the field, like every other validation failure, instead of a framework binding error.
    /// </summary>
    public static int? ParseLimit(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : throw new ValidationException([new ValidationFailure("limit", "'limit' must be an integer.")]);
    }
}
