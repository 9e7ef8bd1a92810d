using CsCheck;
using Feed.SharedKernel.Paging;
using Feed.Testing;

namespace Feed.SharedKernel.Tests;

public sealed class PageCursorsTests
{
    private static readonly PageCursors Cursors = TestCursors.Create();
    private static readonly Gen<Cursor> Positions =
        Gen.Select(Gen.Long[0, 253402300799999], Gen.Guid).Select((millis, id) => new Cursor(DateTimeOffset.FromUnixTimeMilliseconds(millis), id));
    private static readonly Gen<CursorList> Lists = Gen.Enum<CursorList>();

    [Fact]
    public void A_cursor_continues_exactly_the_list_and_owner_it_was_issued_for()
    {
        Gen.Select(Lists, Gen.Guid, Positions).Sample((list, owner, position) =>
        {
            var encoded = Cursors.Encode(list, owner, position);

            Assert.True(Cursors.TryDecode(list, owner, encoded, out var decoded, out _));
            Assert.Equal(position, decoded);
            Assert.Equal(PageCursors.EncodedLength, encoded.Length);
            Assert.All(encoded, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not URL-safe"));
        });
    }

    [Fact]
    public void A_cursor_of_another_list_or_another_owner_is_refused()
    {
        Gen.Select(Lists, Lists, Gen.Guid, Gen.Guid, Positions).Where(t => t.Item1 != t.Item2 || t.Item3 != t.Item4).Sample((a, b, ownerA, ownerB, position) =>
            Assert.False(Cursors.TryDecode(b, ownerB, Cursors.Encode(a, ownerA, position), out _, out _)));
    }

    [Fact]
    public void Any_changed_character_is_refused()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        Gen.Select(Lists, Gen.Guid, Positions, Gen.Int[0, PageCursors.EncodedLength - 1], Gen.Char[alphabet]).Sample((list, owner, position, at, replacement) =>
        {
            var encoded = Cursors.Encode(list, owner, position);
            var edited = string.Concat(encoded.AsSpan(0, at), replacement.ToString(), encoded.AsSpan(at + 1));
            Assert.Equal(edited == encoded, Cursors.TryDecode(list, owner, edited, out _, out _));
        });
    }

    [Fact]
    public void Truncated_extended_unsigned_or_random_cursors_are_refused_with_a_reason()
    {
        var owner = Guid.NewGuid();
        var position = new Cursor(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), Guid.NewGuid());
        var encoded = Cursors.Encode(CursorList.Timeline, owner, position);

        foreach (var value in new[] { encoded[..^1], encoded[..20], encoded + "A", position.Encode(), "", "not a cursor", encoded.Replace('-', '+').Replace('_', '/') + "=" })
        {
            Assert.False(Cursors.TryDecode(CursorList.Timeline, owner, value, out _, out var problem));
            Assert.StartsWith("'cursor'", problem, StringComparison.Ordinal);
        }

        Gen.String.Sample(value => Assert.False(Cursors.TryDecode(CursorList.Timeline, owner, value, out _, out _)));
    }

    [Fact]
    public void A_cursor_signed_with_another_key_is_refused()
    {
        var owner = Guid.NewGuid();
        var position = new Cursor(DateTimeOffset.UnixEpoch, Guid.NewGuid());
        var other = TestCursors.Create("another-test-only-cursor-key-0123456789-abc");

        Assert.False(Cursors.TryDecode(CursorList.UserPosts, owner, other.Encode(CursorList.UserPosts, owner, position), out _, out _));
    }

    [Fact]
    public void Decoding_a_refused_cursor_after_validation_is_a_bug_and_throws()
    {
        Assert.Null(Cursors.DecodeOrNull(CursorList.Followers, Guid.NewGuid(), null));
        Assert.Throws<ArgumentException>(() => Cursors.DecodeOrNull(CursorList.Followers, Guid.NewGuid(), "garbage"));
    }
}
