using System.Buffers.Binary;
using System.Buffers.Text;
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
    public void Base64url_strings_of_about_a_cursor_s_length_decode_exactly_when_they_hold_a_cursor()
    {
        // 22 to 26 bytes, so lengths around a cursor's 32 characters; the first 8 bytes often a valid
        // timestamp, so that most strings of the right length do hold a cursor. Then the characters
        // of some strings are shuffled, so that not every one is the canonical encoding of its bytes.
        var timestamps = Gen.OneOf(Gen.Long[0, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()], Gen.Long);
        var strings = Gen.Select(timestamps, Gen.Byte.Array[14, 18], Gen.Bool)
            .Select((millis, rest, shuffle) =>
            {
                var bytes = new byte[8 + rest.Length];
                BinaryPrimitives.WriteInt64BigEndian(bytes, millis);
                rest.CopyTo(bytes, 8);
                var text = Base64Url.EncodeToString(bytes);
                return shuffle ? new string([.. text.Reverse()]) : text;
            });
        var decoded = 0;
        strings.Sample(value =>
        {
            // What a cursor is, worked out apart from the decoder: 24 bytes (32 characters), of which the
            // first 8 are a big-endian count of milliseconds a DateTimeOffset can hold.
            var bytes = Base64Url.IsValid(value, out var length) && length == 24 ? Base64Url.DecodeFromChars(value) : [];
            var millis = bytes.Length == 24 ? BinaryPrimitives.ReadInt64BigEndian(bytes) : -1;
            var holdsCursor = millis >= 0 && millis <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

            Assert.Equal(holdsCursor, Cursor.TryDecode(value, out var cursor));
            Assert.Equal(holdsCursor, Cursor.IsValid(value));
            if (holdsCursor)
            {
                Interlocked.Increment(ref decoded);
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(millis), cursor.At);
                Assert.Equal(new Guid(bytes.AsSpan(8), bigEndian: true), cursor.Id);
                Assert.Equal(value, cursor.Encode());
            }
        });

        Assert.True(decoded > 0, "No generated string held a cursor.");
    }

    [Fact]
    public void Arbitrary_strings_are_refused_or_read_without_an_exception()
    {
        Gen.String.Sample(value => Assert.Equal(Cursor.TryDecode(value, out _), Cursor.IsValid(value)));
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
