using System.Globalization;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// Reader states (<c>reader:{user_id}</c>, a hash: whom the reader follows, which of them are pulled,
/// until when the reader's activity needs no store check) and the set of authors every reader state
/// already accounts for as pulled (<c>pulled-authors</c>). A state is filled from the store after a
/// miss, under a fill marker of the read's own, and dropped by every change of what it holds: a
/// follow or an unfollow by the reader, an author gaining influencer_posts.
/// </summary>
internal sealed partial class RedisTimelineCache
{
    private const int GuidBytes = 16;

    public async ValueTask<CachedReader> ReadReaderAsync(Guid readerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await RenewVersionIfDistrustedAsync();
            var batch = Database.CreateBatch();
            var versionRead = batch.StringGetAsync(_versionKey);
            RedisValue fillMarker = FillingPrefix + Guid.NewGuid().ToString("N");
            var stateRead = batch.ScriptEvaluateAsync(
                RedisTimelineScripts.ReadReader,
                [ReaderKey(readerId)],
                [FilledPrefix + _knownVersion, now.ToUnixTimeMilliseconds(), fillMarker, FillMarkerSeconds]);
            batch.Execute();
            await Task.WhenAll(versionRead, stateRead);
            var version = await CurrentVersionAsync(versionRead.Result);
            Recovered();

            var parts = (RedisResult[])stateRead.Result!;
            var marker = parts[0].ToString();
            if (parts.Length == 4 && marker == FilledPrefix + version)
            {
                var trustedUntil = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[1].ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture));
                return new CachedReader(new ReaderState(Guids((byte[])parts[2]!), Guids((byte[])parts[3]!), trustedUntil), null);
            }

            // A state of another version is left to the next read, which replaces it with a marker of its own.
            return marker == fillMarker
                ? new CachedReader(null, new CacheFill(version, new Dictionary<Guid, string> { [readerId] = marker }))
                : CachedReader.None;
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "read", lostWrite: false);
            return CachedReader.None;
        }
    }

    public async ValueTask FillReaderAsync(CacheFill fill, Guid readerId, ReaderState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!fill.Expected.TryGetValue(readerId, out var expected))
        {
            return;
        }

        // The state is of no use once its trust ends: it expires then (on the caller's clock).
        var seconds = Math.Clamp((long)Math.Ceiling((state.TrustedUntil - now).TotalSeconds), 1, ListSeconds);
        try
        {
            await Database.ScriptEvaluateAsync(
                RedisTimelineScripts.FillReader,
                [ReaderKey(readerId)],
                [expected, FilledPrefix + fill.Version, state.TrustedUntil.ToUnixTimeMilliseconds(), Bytes(state.Followees), Bytes(state.Pulled), seconds]);
            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            // An unfilled state only stays a miss.
            Unavailable(exception, "fill", lostWrite: false);
        }
    }

    public ValueTask DropReadersAsync(IReadOnlyCollection<Guid> readerIds, CancellationToken cancellationToken) =>
        DeleteEachAsync(readerIds.Select(ReaderKey), readerIds.Count);

    public async ValueTask<bool> IsPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken)
    {
        try
        {
            var known = await Database.SetContainsAsync(PulledAuthorsKey, Member(authorId));
            Recovered();
            return known;
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            // Distrusting the whole cache covers every reader state that may lack the author: no walk needed.
            Unavailable(exception, "read", lostWrite: true);
            return true;
        }
    }

    public async ValueTask MarkPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken)
    {
        try
        {
            await Database.SetAddAsync(PulledAuthorsKey, Member(authorId));
            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            // Unmarked, the next influencer post of the author drops its followers' states again: harmless.
            Unavailable(exception, "write", lostWrite: false);
        }
    }

    private RedisKey ReaderKey(Guid readerId) => _prefix + "reader:" + Member(readerId);

    private RedisKey PulledAuthorsKey => _prefix + "pulled-authors";

    private static byte[] Bytes(IReadOnlyList<Guid> ids)
    {
        var bytes = new byte[ids.Count * GuidBytes];
        for (var i = 0; i < ids.Count; i++)
        {
            ids[i].TryWriteBytes(bytes.AsSpan(i * GuidBytes, GuidBytes));
        }

        return bytes;
    }

    private static Guid[] Guids(byte[] bytes)
    {
        var ids = new Guid[bytes.Length / GuidBytes];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = new Guid(bytes.AsSpan(i * GuidBytes, GuidBytes));
        }

        return ids;
    }
}
