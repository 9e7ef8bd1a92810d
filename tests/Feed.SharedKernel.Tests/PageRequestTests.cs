using Feed.SharedKernel.Paging;
using Feed.Testing;
using FluentValidation;

namespace Feed.SharedKernel.Tests;

public sealed class PageRequestTests
{
    private static readonly PageCursors Cursors = TestCursors.Create();
    private static readonly Guid Owner = Guid.NewGuid();

    private sealed record ListQuery(Guid Owner, PageRequest Page);

    private sealed class ListValidator : AbstractValidator<ListQuery>
    {
        public ListValidator() => RuleFor(query => query.Page).ValidPage(Cursors, _ => CursorList.UserPosts, query => query.Owner);
    }

    private static (string Field, string Message)[] Failures(string? limit, string? cursor = null) =>
        new ListValidator().Validate(new ListQuery(Owner, new PageRequest { Limit = limit, Cursor = cursor }))
            .Errors.Select(failure => (failure.PropertyName, failure.ErrorMessage)).ToArray();

    [Theory]
    [InlineData(null, 20)]
    [InlineData("", 20)]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    [InlineData(" 7 ", 7)]
    public void An_absent_limit_is_the_default_and_a_given_one_is_the_page_size(string? limit, int size)
    {
        Assert.Empty(Failures(limit));
        Assert.Equal(size, new PageRequest { Limit = limit }.Size);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    public void A_limit_outside_1_to_100_names_limit(string limit) =>
        Assert.Equal([("limit", "'limit' must be between 1 and 100.")], Failures(limit));

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void A_limit_that_is_no_integer_names_limit_alone(string limit) =>
        Assert.Equal([("limit", "'limit' must be an integer.")], Failures(limit, cursor: "garbage"));

    [Fact]
    public void A_bad_limit_and_a_bad_cursor_are_both_named() =>
        Assert.Equal(["limit", "cursor"], Failures("0", cursor: "garbage").Select(failure => failure.Field));

    [Fact]
    public void A_cursor_issued_for_the_list_and_owner_passes_and_another_lists_names_cursor()
    {
        var position = new Cursor(DateTimeOffset.UnixEpoch.AddDays(1), Guid.NewGuid());

        Assert.Empty(Failures("5", Cursors.Encode(CursorList.UserPosts, Owner, position)));
        Assert.Equal(["cursor"], Failures("5", Cursors.Encode(CursorList.Timeline, Owner, position)).Select(failure => failure.Field));
    }

    [Fact]
    public void A_request_made_in_process_reads_as_one_bound_from_the_query()
    {
        var page = PageRequest.Of(5, "next");

        Assert.Equal((5, "next"), (page.Size, page.Cursor));
        Assert.Equal(PageRequest.DefaultLimit, PageRequest.Of().Size);
    }
}
