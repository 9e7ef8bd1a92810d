namespace Feed.Social.Tests.Stores;

/// <summary>
/// Ids that differ only in their first, fourth or last byte (in the big-endian, textual layout),
/// around a random base so they are fresh in a shared database. They catch a store whose id order
/// differs from <see cref="Guid.CompareTo(Guid)"/>: a little-endian byte compare (how .NET lays out
/// the first field in memory) or a last-byte-first compare (SQL Server) sorts them differently.
/// </summary>
internal static class ByteOrderIds
{
    private static readonly (byte First, byte Fourth, byte Last)[] Variants =
    [
        (0x00, 0x00, 0x00),
        (0x00, 0x00, 0xff),
        (0x00, 0x01, 0x00),
        (0x01, 0x00, 0x00),
        (0x7f, 0xff, 0xff),
        (0x80, 0x00, 0x00),
        (0xff, 0x00, 0x01),
        (0xfe, 0xff, 0xff),
    ];

    public static Guid[] Create()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        var ids = new Guid[Variants.Length];
        for (var i = 0; i < Variants.Length; i++)
        {
            (bytes[0], bytes[3], bytes[15]) = Variants[i];
            ids[i] = new Guid(bytes, bigEndian: true);
        }

        return ids;
    }
}
