using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace Feed.SharedKernel.Paging;

/// <summary>
/// The paging query of a public list, <c>?limit=&amp;cursor=</c>, bound with <c>[AsParameters]</c>: the
/// page size is parsed and defaulted here (<see cref="Size"/>), and both fields are validated here
/// (<see cref="PageRules"/>), for every list alike. A list with no next page (the user search) binds only
/// <c>limit</c> and builds one, so that the OpenAPI document offers no cursor it would ignore.
/// </summary>
public sealed class PageRequest
{
    public const int DefaultLimit = 20;
    public const int MinLimit = 1;
    public const int MaxLimit = 100;

    /// <summary>
    /// The page size as sent. Bound as text so that <c>limit=abc</c> is a 400 naming the field, like
    /// every other validation failure, instead of a framework binding error.
    /// </summary>
    [FromQuery(Name = "limit")]
    public string? Limit { get; init; }

    /// <summary>The next_cursor of the previous page, unchanged; absent for the first page.</summary>
    [FromQuery(Name = "cursor")]
    public string? Cursor { get; init; }

    /// <summary>The page size asked for, or the default when absent. Read once the request is valid.</summary>
    public int Size => TryParseSize(out var size)
        ? size
        : throw new InvalidOperationException("'limit' is not an integer: a page request is read only after validation.");

    /// <summary>
    /// False when <c>limit</c> is given but is no integer. Such a request is refused for its limit alone, as a
    /// binding error would refuse it: no other field of it is checked (<see cref="PageRules"/>).
    /// </summary>
    public bool HasIntegerLimit => TryParseSize(out _);

    /// <summary>A page request made in process: <paramref name="limit"/> items (absent: the default) after <paramref name="cursor"/>.</summary>
    public static PageRequest Of(int? limit = null, string? cursor = null) =>
        new() { Limit = limit?.ToString(CultureInfo.InvariantCulture), Cursor = cursor };

    internal bool TryParseSize(out int size)
    {
        if (string.IsNullOrEmpty(Limit))
        {
            size = DefaultLimit;
            return true;
        }

        return int.TryParse(Limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out size);
    }
}

/// <summary>The validation of a <see cref="PageRequest"/>; failures name the query fields, <c>limit</c> and <c>cursor</c>.</summary>
public static class PageRules
{
    /// <summary>The limit of a list that has no next page (a search): an integer within bounds, or absent.</summary>
    public static IRuleBuilderOptionsConditions<T, PageRequest> ValidLimit<T>(this IRuleBuilder<T, PageRequest> rule) =>
        rule.Custom((page, context) => CheckLimit(page, context));

    /// <summary>
    /// A page of a list: the limit as in <see cref="ValidLimit{T}"/>, and a cursor (when given) that
    /// <paramref name="cursors"/> issued for this <paramref name="list"/> of this <paramref name="owner"/>, unchanged.
    /// </summary>
    public static IRuleBuilderOptionsConditions<T, PageRequest> ValidPage<T>(
        this IRuleBuilder<T, PageRequest> rule, PageCursors cursors, Func<T, CursorList> list, Func<T, Guid> owner) =>
        rule.Custom((page, context) =>
        {
            // A limit that is no integer stands alone, as a binding error would: the cursor is not read.
            if (!CheckLimit(page, context))
            {
                return;
            }

            var query = context.InstanceToValidate;
            if (page.Cursor is not null && !cursors.TryDecode(list(query), owner(query), page.Cursor, out _, out var problem))
            {
                context.AddFailure("cursor", problem);
            }
        });

    /// <summary>Adds the limit's failure, if any; false when the limit is no integer.</summary>
    private static bool CheckLimit<T>(PageRequest page, ValidationContext<T> context)
    {
        if (!page.TryParseSize(out var size))
        {
            context.AddFailure("limit", "'limit' must be an integer.");
            return false;
        }

        if (size is < PageRequest.MinLimit or > PageRequest.MaxLimit)
        {
            context.AddFailure("limit", $"'limit' must be between {PageRequest.MinLimit} and {PageRequest.MaxLimit}.");
        }

        return true;
    }
}
