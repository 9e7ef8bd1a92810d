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

    public async ValueTask<CachedReader> ReadReaderAsync(Guid readerId, DateTimeOffset now, ReadAhead? ahead, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // Only the first read may answer a hit that is not late: it is sent before this method
            // returns, so it reaches Redis before any read the caller sends behind it (a read that first
            // waited for a renewal, or the reads below, may not). With a kept state, it reads only the
            // marker and the fill stamp.
            var renewed = await RenewVersionIfDistrustedAsync();
            var kept = _keptReaders?.Find(readerId);
            var batch = Database.CreateBatch();
            var versionRead = batch.StringGetAsync(_versionKey);
            var stateRead = batch.HashGetAsync(ReaderKey(readerId), kept is null ? StateFields : StampFields);
            var deletions = _keptPosts?.Check(batch, _deletionsKey);
            var (rowsRead, influencersRead) = ahead is { After: null } ? StartReadsAhead(batch, readerId, ahead) : default;
            batch.Execute();
            if (ahead is { After: not null })
            {
                // A page after a cursor reads each list in a transaction, which is sent as soon as it is
                // made: made now, so that it reaches Redis after the state, as the caller's rules need.
                var behind = Database.CreateBatch();
                (rowsRead, influencersRead) = StartReadsAhead(behind, readerId, ahead);
                behind.Execute();
            }

            await stateRead;
            await versionRead;
            var version = await CurrentVersionAsync(versionRead.Result);
            var seen = deletions is { } check ? _keptPosts!.Apply(check, await check.Entries, version) : null;

            // Started once the state is in: from one server the replies come in order, usually together,
            // so the answers mostly find theirs in already and finish without another thread-pool hop.
            var answers = rowsRead is null
                ? null
                : new ReadAheadAnswers(AnsweredOrMissAsync(rowsRead, versionRead), influencersRead is null ? null : AnsweredOrMissAsync(influencersRead, versionRead));
            var filled = FilledPrefix + version;
            var fields = stateRead.Result;
            if (kept is not null)
            {
                if (!renewed && fields[0] == filled && fields[1] == kept.Stamp && kept.Version == version && kept.State.TrustedUntil > now)
                {
                    Recovered();
                    return new CachedReader(kept.State, null, Deletions: seen, Ahead: answers);
                }

                _keptReaders!.Forget(readerId, kept);
                if (fields[0] == filled)
                {
                    // Filled again since (by another process): read whole, too late to vouch for the caller's reads.
                    fields = await Database.HashGetAsync(ReaderKey(readerId), StateFields);
                    renewed = true;
                }
            }

            if (Trusted(fields, filled, now) is { } state)
            {
                _keptReaders?.Keep(readerId, new KeptReader(fields[4], version, state));
                Recovered();
                return new CachedReader(state, null, Late: renewed, Deletions: seen, Ahead: answers);
            }

            // Not trusted: replaced by a fill marker of this read's own, unless filled meanwhile (then
            // this read goes to the store without filling).
            RedisValue fillMarker = FillingPrefix + Guid.NewGuid().ToString("N");
            var claimed = (RedisValue)await Database.ScriptEvaluateAsync(
                RedisTimelineScripts.ClaimReader,
                [ReaderKey(readerId)],
                [filled, now.ToUnixTimeMilliseconds(), fillMarker, FillMarkerSeconds]);
            Recovered();
            return claimed == fillMarker
                ? new CachedReader(null, new CacheFill(version, new Dictionary<Guid, string> { [readerId] = fillMarker.ToString() }), Deletions: seen)
                : CachedReader.None with { Deletions = seen };
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "read", lostWrite: false);
            return CachedReader.None;
        }
    }

    /// <summary>The reads of the reader's rows and of the influencer lists <paramref name="ahead"/> names, added to <paramref name="batch"/>.</summary>
    private (PendingListReads? Rows, PendingListReads? Influencers) StartReadsAhead(IBatch batch, Guid readerId, ReadAhead ahead) =>
        (StartListReads(batch, CachedList.Timeline, [readerId], ahead.After, ahead.RowLimit),
         ahead.Influencers.Count > 0 ? StartListReads(batch, CachedList.InfluencerPosts, ahead.Influencers, ahead.After, ahead.InfluencerLimit) : null);

    /// <summary>A read ahead's answer; never fails (an unavailable cache answers a miss), so that an abandoned one needs no watching.</summary>
    private async Task<CachedRanges> AnsweredOrMissAsync(PendingListReads pending, Task<RedisValue> versionRead)
    {
        try
        {
            return await pending(versionRead);
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "read", lostWrite: false);
            return CachedRanges.None;
        }
    }

    public ReaderState? LastKnownReader(Guid readerId) => _keptReaders?.Find(readerId)?.State;

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
            var applied = (long)await Database.ScriptEvaluateAsync(
                RedisTimelineScripts.FillReader,
                [ReaderKey(readerId)],
                [expected, FilledPrefix + fill.Version, state.TrustedUntil.ToUnixTimeMilliseconds(), Bytes(state.Followees), Bytes(state.Pulled), seconds]);
            if (applied == 1)
            {
                // The fill's marker is its stamp: unique to this fill.
                _keptReaders?.Keep(readerId, new KeptReader(expected, fill.Version, state));
            }

            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            // An unfilled state only stays a miss.
            Unavailable(exception, "fill", lostWrite: false);
        }
    }

    public ValueTask DropReadersAsync(IReadOnlyCollection<Guid> readerIds, CancellationToken cancellationToken) =>
        DeleteEachAsync([.. readerIds.Select(ReaderKey)]);

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

    /// <summary>A failed mark is harmless: the author's next pulled post walks again.</summary>
    public async ValueTask MarkPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken)
    {
        try
        {
            await RenewVersionIfDistrustedAsync();
            await Database.SetAddAsync(PulledAuthorsKey, Member(authorId));
            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "write", lostWrite: false);
        }
    }

    // Marker, trusted until, followees, pulled followees, fill stamp; a kept state is checked by marker and stamp.
    private static readonly RedisValue[] StateFields = ["m", "u", "f", "p", "s"];
    private static readonly RedisValue[] StampFields = ["m", "s"];

    /// <summary>The state in the fields <see cref="StateFields"/>, if it was filled under <paramref name="filled"/> and is trusted at <paramref name="now"/>.</summary>
    private static ReaderState? Trusted(RedisValue[] fields, string filled, DateTimeOffset now)
    {
        if (fields.Length != StateFields.Length || fields[0] != filled || fields[4].IsNull || !fields[1].TryParse(out long trustedUntil) || trustedUntil <= now.ToUnixTimeMilliseconds())
        {
            return null;
        }

        return new ReaderState(Guids((byte[])fields[2]!), Guids((byte[])fields[3]!), DateTimeOffset.FromUnixTimeMilliseconds(trustedUntil));
    }

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
