using Feed.SharedKernel.Paging;
using Feed.Testing;
using Feed.Timeline.Timelines.GetTimeline;

namespace Feed.Timeline.Tests;

public sealed class GetTimelineValidatorTests
{
    private static readonly PageCursors Cursors = TestCursors.Create();

    private static readonly GetTimelineValidator Validator = new(Cursors);

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(100)]
    public void Page_sizes_from_1_to_100_or_none_are_valid(int? limit) =>
        Assert.True(Validator.Validate(new GetTimeline(Guid.NewGuid(), PageRequest.Of(limit))).IsValid);

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-5)]
    public void Page_sizes_outside_1_to_100_name_limit(int limit)
    {
        var result = Validator.Validate(new GetTimeline(Guid.NewGuid(), PageRequest.Of(limit)));

        Assert.Equal("limit", Assert.Single(result.Errors).PropertyName);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("AAAAAAAA")]
    public void A_malformed_cursor_names_cursor(string cursor)
    {
        var result = Validator.Validate(new GetTimeline(Guid.NewGuid(), PageRequest.Of(cursor: cursor)));

        Assert.Equal("cursor", Assert.Single(result.Errors).PropertyName);
    }

    [Fact]
    public void A_cursor_with_characters_outside_base64url_names_cursor()
    {
        var result = Validator.Validate(new GetTimeline(Guid.NewGuid(), PageRequest.Of(cursor: "bm90IGEgY3Vyc29y!")));

        Assert.Equal("cursor", Assert.Single(result.Errors).PropertyName);
    }

    [Fact]
    public void A_cursor_returned_by_the_api_is_valid()
    {
        var reader = Guid.NewGuid();
        var cursor = Cursors.Encode(CursorList.Timeline, reader, new Cursor(DateTimeOffset.UtcNow, Guid.NewGuid()));

        Assert.True(Validator.Validate(new GetTimeline(reader, PageRequest.Of(20, cursor))).IsValid);
    }

    [Fact]
    public void A_posts_cursor_another_readers_cursor_or_an_unsigned_one_names_cursor()
    {
        var reader = Guid.NewGuid();
        var position = new Cursor(DateTimeOffset.UtcNow, Guid.NewGuid());

        foreach (var cursor in new[]
                 {
                     Cursors.Encode(CursorList.UserPosts, reader, position),
                     Cursors.Encode(CursorList.Timeline, Guid.NewGuid(), position),
                     position.Encode(),
                 })
        {
            var result = Validator.Validate(new GetTimeline(reader, PageRequest.Of(20, cursor)));
            Assert.Equal("cursor", Assert.Single(result.Errors).PropertyName);
        }
    }
}
