using System.Buffers.Binary;
using System.Globalization;
using Feed.SharedKernel.Paging;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>The key layout (Redis/README.md, "Key layout"): key names, and how an entry is written as a member and a score.</summary>
internal sealed partial class RedisTimelineCache
{
    /// <summary>Unix milliseconds as a sorted-set score (exact: far below 2^53).</summary>
    private static string Score(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A list entry's member: created_on (Unix ms) then post_id, both big-endian. Byte order is then
    /// (created_on, post_id) order, post ids comparing as <see cref="Guid.CompareTo(Guid)"/> (and as
    /// PostgreSQL's uuid) do, so equal scores keep the store's order.
    /// </summary>
    private static byte[] EntryMember(TimelineEntry entry)
    {
        var member = new byte[EntryMemberBytes];
        BinaryPrimitives.WriteInt64BigEndian(member, entry.CreatedOn.ToUnixTimeMilliseconds());
        entry.PostId.TryWriteBytes(member.AsSpan(sizeof(long)), bigEndian: true, out _);
        return member;
    }

    /// <summary>True for an entry's member (not the marker, not "end"), with what it holds.</summary>
    private static bool TryReadEntryMember(RedisValue member, out SequenceKey key)
    {
        var bytes = ((ReadOnlyMemory<byte>)member).Span;
        if (bytes.Length != EntryMemberBytes)
        {
            key = default;
            return false;
        }

        var createdOn = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes));
        key = new SequenceKey(createdOn, new Guid(bytes[sizeof(long)..], bigEndian: true));
        return true;
    }

    /// <summary>32 lowercase hex: ordinal order of these strings is <see cref="Guid.CompareTo(Guid)"/> order.</summary>
    private static string Member(Guid id) => id.ToString("N");

    // A reader's timeline shares its hash slot with the reader's state, so that on a cluster too the rows read
    // ahead reach Redis after the state (RedisTimelineCache.Readers.cs); an influencer's list shares its slot
    // with its change token (RedisTimelineCache.Kept.cs). The braces are hash tags.
    private RedisKey ListKey(CachedList list, Guid ownerId) =>
        list == CachedList.Timeline ? _prefix + "timeline:{" + Member(ownerId) + "}" : _prefix + "influencer-posts:{" + Member(ownerId) + "}";

    private RedisKey PostKey(Guid postId) => _prefix + "post:" + Member(postId);

    private RedisKey ReaderKey(Guid readerId) => _prefix + "reader:{" + Member(readerId) + "}";

    private RedisKey PulledAuthorsKey => _prefix + "pulled-authors";

    // In the influencer list's hash slot (the braces are a hash tag), so that a read finds both on one node.
    private RedisKey TokenKey(Guid influencerId) => _prefix + "influencer-posts-token:{" + Member(influencerId) + "}";
}
