using Feed.SharedKernel.Paging;
using FluentValidation;

namespace Feed.SharedKernel.Validation;

/// <summary>Cursors between modules; a public list's page is validated by <see cref="PageRules"/>.</summary>
public static class PagingRules
{
    /// <summary>A cursor passed between modules in process (never to a client), unsigned.</summary>
    public static IRuleBuilderOptions<T, string?> ValidInternalCursor<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(Cursor.IsValid).WithMessage("'cursor' is not a cursor returned by this API.");
}
