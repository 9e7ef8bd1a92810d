using System.Buffers.Binary;
using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.SharedKernel.Paging;

/// <summary>The public lists a cursor can belong to. The numbers are part of every issued cursor: never reuse one.</summary>
public enum CursorList : byte
{
    UserPosts = 1,
    Followers = 2,
    Following = 3,
    Timeline = 4,
}

/// <summary>Settings of the cursors handed to clients (<c>Feed:Cursors</c>). Only Development ships a key.</summary>
public sealed class CursorOptions
{
    public const string SectionName = "Feed:Cursors";

    [Required(ErrorMessage = "Feed:Cursors:SigningKey is required (at least 32 characters); set it in configuration or the environment variable Feed__Cursors__SigningKey.")]
    [MinLength(32, ErrorMessage = "Feed:Cursors:SigningKey must be at least 32 characters.")]
    public string SigningKey { get; set; } = string.Empty;
}

/// <summary>
/// The cursors of public lists: the position (<see cref="Cursor"/>), the list it came from, and an
/// HMAC-SHA256 tag (16 bytes) over the list, the list's owner and the position. So a cursor of another
/// list, of another user's list, or one with any character changed is refused instead of quietly
/// paging somewhere else. The owner is not in the cursor, only in the tag: it is the request's own
/// user id. Layout, base64url: list (1 byte) · created_on ms (8) · id (16) · tag (16) = 55 characters.
/// </summary>
public sealed class PageCursors
{
    private const int PositionBytes = sizeof(long) + 16;
    private const int TagBytes = 16;
    private const int EncodedBytes = 1 + PositionBytes + TagBytes;
    private const int SignedBytes = 1 + 16 + PositionBytes;
    public const int EncodedLength = (EncodedBytes * 4 + 2) / 3;

    private readonly byte[] _key;

    public PageCursors(IOptions<CursorOptions> options) => _key = Encoding.UTF8.GetBytes(options.Value.SigningKey);

    public string Encode(CursorList list, Guid owner, Cursor position)
    {
        Span<byte> bytes = stackalloc byte[EncodedBytes];
        bytes[0] = (byte)list;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], position.At.ToUnixTimeMilliseconds());
        position.Id.TryWriteBytes(bytes[(1 + sizeof(long))..], bigEndian: true, out _);
        Tag(list, owner, bytes[1..(1 + PositionBytes)], bytes[(1 + PositionBytes)..]);
        return Base64Url.EncodeToString(bytes);
    }

    public string? EncodeOrNull(CursorList list, Guid owner, Cursor? position) =>
        position is { } at ? Encode(list, owner, at) : null;

    /// <summary>Reads a cursor of <paramref name="list"/> owned by <paramref name="owner"/>; otherwise says why not, in words for the client.</summary>
    public bool TryDecode(CursorList list, Guid owner, string? value, out Cursor position, out string problem)
    {
        position = default;
        Span<byte> bytes = stackalloc byte[EncodedBytes];
        if (value is null || value.Length != EncodedLength || !Base64Url.IsValid(value)
            || !Base64Url.TryDecodeFromChars(value, bytes, out var written) || written != EncodedBytes
            || !IsCanonical(bytes, value))
        {
            problem = "'cursor' is malformed: pass back the next_cursor of the previous page unchanged.";
            return false;
        }

        if (bytes[0] != (byte)list)
        {
            problem = "'cursor' belongs to a different list: a cursor only continues the list that returned it.";
            return false;
        }

        Span<byte> expected = stackalloc byte[TagBytes];
        Tag(list, owner, bytes[1..(1 + PositionBytes)], expected);
        var millis = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes[(1 + PositionBytes)..])
            || millis < 0 || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            problem = "'cursor' was not issued for this list (it was changed, or it continues another user's list).";
            return false;
        }

        position = new Cursor(DateTimeOffset.FromUnixTimeMilliseconds(millis), new Guid(bytes[(1 + sizeof(long))..(1 + PositionBytes)], bigEndian: true));
        problem = string.Empty;
        return true;
    }

    /// <summary>Decodes a cursor validation has already accepted; null stays null.</summary>
    public Cursor? DecodeOrNull(CursorList list, Guid owner, string? value) =>
        value is null ? null
        : TryDecode(list, owner, value, out var position, out var problem) ? position
        : throw new ArgumentException(problem, nameof(value));

    // The last character carries two spare bits a decoder ignores: a cursor differing only there
    // would decode to the same bytes, so only the one spelling this class writes is accepted.
    private static bool IsCanonical(ReadOnlySpan<byte> bytes, string value)
    {
        Span<char> spelled = stackalloc char[EncodedLength];
        return Base64Url.EncodeToChars(bytes, spelled) == EncodedLength && spelled.SequenceEqual(value);
    }

    private void Tag(CursorList list, Guid owner, ReadOnlySpan<byte> position, Span<byte> destination)
    {
        Span<byte> signed = stackalloc byte[SignedBytes];
        signed[0] = (byte)list;
        owner.TryWriteBytes(signed[1..], bigEndian: true, out _);
        position.CopyTo(signed[17..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, signed, mac);
        mac[..TagBytes].CopyTo(destination);
    }
}

public static class PageCursorsRegistration
{
    /// <summary>The cursor signer, its key bound from <c>Feed:Cursors</c> and checked at start-up.</summary>
    public static IServiceCollection AddPageCursors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CursorOptions>()
            .Bind(configuration.GetSection(CursorOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<PageCursors>();
        return services;
    }
}
