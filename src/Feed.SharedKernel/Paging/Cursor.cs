using System.Buffers.Binary;
using System.Buffers.Text;

namespace Feed.SharedKernel.Paging;

/// <summary>
/// Position in a newest-first sequence: the (timestamp, id) of the last item a page returned.
/// A bare timestamp is not enough, two items can share a millisecond; the id breaks the tie.
/// <see cref="Encode"/> is the unsigned form passed between modules and kept as fan-out progress;
/// clients only ever see the signed form of <see cref="PageCursors"/>, tied to its list.
/// </summary>
public readonly record struct Cursor(DateTimeOffset At, Guid Id)
{
    private const int EncodedBytes = sizeof(long) + 16;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[EncodedBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, At.ToUnixTimeMilliseconds());
        Id.TryWriteBytes(bytes[sizeof(long)..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecode(string? value, out Cursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(value) || value.Length > 64 || !Base64Url.IsValid(value))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[48];
        if (!Base64Url.TryDecodeFromChars(value, bytes, out var written) || written != EncodedBytes)
        {
            return false;
        }

        var millis = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (millis < 0 || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        cursor = new Cursor(DateTimeOffset.FromUnixTimeMilliseconds(millis), new Guid(bytes[sizeof(long)..EncodedBytes], bigEndian: true));
        return true;
    }

    /// <summary>Decodes a cursor already checked by validation; null stays null.</summary>
    public static Cursor? DecodeOrNull(string? value) =>
        value is null ? null : TryDecode(value, out var cursor) ? cursor : throw new ArgumentException("Malformed cursor.", nameof(value));

    public static bool IsValid(string? value) => value is null || TryDecode(value, out _);
}
