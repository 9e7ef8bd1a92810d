using CsCheck;
using Feed.SharedKernel.Paging;

namespace Feed.SharedKernel.Tests;

public sealed class CursorTests
{
    [Fact]
    public void Every_cursor_round_trips_exactly()
    {
        Gen.Select(Gen.Long[0, 253402300799999], Gen.Guid)
            .Sample((millis, id) =>
            {
                var cursor = new Cursor(DateTimeOffset.FromUnixTimeMilliseconds(millis), id);
                Assert.True(Cursor.TryDecode(cursor.Encode(), out var decoded));
                Assert.Equal(cursor, decoded);
            });
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("abc!")]
    [InlineData("AAAA")]
    [InlineData("bm90IGEgY3Vyc29y!")]
    [InlineData("________________________________")] // 24 bytes of 0xFF: a negative timestamp
    public void Anything_else_is_malformed_never_an_exception(string value)
    {
        Assert.False(Cursor.TryDecode(value, out _));
        Assert.False(Cursor.IsValid(value));
    }

    [Fact]
    public void Random_strings_never_throw()
    {
        // A statement lambda: the property is "does not throw", whatever TryDecode answers.
        Gen.String.Sample(value =>
        {
            Cursor.TryDecode(value, out _);
        });
    }

    [Fact]
    public void Sequence_keys_order_newest_first_then_by_id_descending()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var low = new SequenceKey(at, Guid.Parse("00000000-0000-7000-8000-000000000001"));
        var high = new SequenceKey(at, Guid.Parse("ff000000-0000-7000-8000-000000000000"));
        var newer = new SequenceKey(at.AddMilliseconds(1), low.Id);

        Assert.True(newer < high);
        Assert.True(high < low);
        Assert.True(low.IsAfter(high.ToCursor()));
        Assert.False(high.IsAfter(high.ToCursor()));
    }
}
