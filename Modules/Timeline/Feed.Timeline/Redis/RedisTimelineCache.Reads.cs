using Feed.SharedKernel.Paging;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// List reads: plain sorted-set range commands, pipelined for all lists of a read (no script on the
/// hot path: a script costs Redis several times the commands it runs). A first page is one command per
/// list (the top ranks), whose first member is the list's marker; a page after a cursor is three in one transaction
/// (marker, members tied with the cursor, older members). Only absent lists take a second round trip, a script that places a
/// fill marker on each one still absent.
/// </summary>
internal sealed partial class RedisTimelineCache
{
    public async ValueTask<CachedRanges> ReadAsync(CachedList list, IReadOnlyList<Guid> ownerIds, SequenceKey? after, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (ownerIds.Count == 0)
        {
            return CachedRanges.None;
        }

        try
        {
            await RenewVersionIfDistrustedAsync();
            var batch = Database.CreateBatch();
            var versionRead = batch.StringGetAsync(_versionKey);
            var pending = StartListReads(batch, list, ownerIds, after, limit);
            batch.Execute();
            return await pending(versionRead);
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "read", lostWrite: false);
            return CachedRanges.None;
        }
    }

    /// <summary>
    /// Adds the reads of these lists to <paramref name="batch"/> (influencer lists through the copies this
    /// process keeps, when it keeps them); the answer comes once the batch has run, under the version read in it.
    /// </summary>
    private PendingListReads StartListReads(IBatch batch, CachedList list, IReadOnlyList<Guid> ownerIds, SequenceKey? after, int limit)
    {
        if (list == CachedList.InfluencerPosts && _kept is { } kept)
        {
            return StartInfluencerReads(batch, kept, ownerIds, after, limit);
        }

        var reads = new ListRead[ownerIds.Count];
        for (var i = 0; i < reads.Length; i++)
        {
            reads[i] = ListRead.Start(Database, batch, ListKey(list, ownerIds[i]), after, limit);
        }

        return versionRead => AnswerListsAsync(list, ownerIds, reads, versionRead, after, limit);
    }

    private async Task<CachedRanges> AnswerListsAsync(CachedList list, IReadOnlyList<Guid> ownerIds, ListRead[] reads, Task<RedisValue> versionRead, SequenceKey? after, int limit)
    {
        await versionRead;
        foreach (var read in reads)
        {
            await read.CompletedAsync();
        }

        var version = await CurrentVersionAsync(versionRead.Result);
        var hits = new Dictionary<Guid, CachedRange>(ownerIds.Count);
        var expected = await SortAsync(list, ownerIds, reads, version, after, limit, hits);
        Recovered();
        return new CachedRanges(hits, new CacheFill(version, expected));
    }

    /// <summary>List reads sent in a batch: their answer, once the batch has run, under the version read in it.</summary>
    private delegate Task<CachedRanges> PendingListReads(Task<RedisValue> versionRead);

    /// <summary>
    /// Sorts the answers of the lists' reads into hits (a list filled under <paramref name="version"/>)
    /// and the fill markers to expect of the others; places a fill marker on each absent list.
    /// </summary>
    private async ValueTask<Dictionary<Guid, string>> SortAsync(
        CachedList list,
        IReadOnlyList<Guid> ownerIds,
        ListRead[] reads,
        string version,
        SequenceKey? after,
        int limit,
        Dictionary<Guid, CachedRange> hits)
    {
        var expected = new Dictionary<Guid, string>();
        var filled = System.Text.Encoding.ASCII.GetBytes(FilledPrefix + version);
        List<Guid>? absent = null;
        for (var i = 0; i < reads.Length; i++)
        {
            var marker = reads[i].Marker();
            if (marker.IsNull)
            {
                (absent ??= []).Add(ownerIds[i]);
            }
            else if (IsFilledUnder(marker, filled))
            {
                hits[ownerIds[i]] = reads[i].Range(list == CachedList.InfluencerPosts ? ownerIds[i] : Guid.Empty, after, limit);
            }
            else
            {
                expected[ownerIds[i]] = marker.ToString();
            }
        }

        if (absent is not null)
        {
            await PlaceFillMarkersAsync(list, absent, expected);
        }

        return expected;
    }

    /// <summary>
    /// A fill marker of this read's own on each list still absent; a list created meanwhile answers with its
    /// marker, and is left to its reader. One filled meanwhile gets no fill permission either: it needs none,
    /// and one filled under a version renewed since this read began is the current list, which this read's
    /// store rows, read under the old version, must not replace.
    /// </summary>
    private async ValueTask PlaceFillMarkersAsync(CachedList list, List<Guid> ownerIds, Dictionary<Guid, string> expected)
    {
        RedisValue fillMarker = FillingPrefix + Guid.NewGuid().ToString("N");
        var batch = Database.CreateBatch();
        var groups = ScriptGroups(list, ownerIds);
        var placed = new Task<RedisResult>[groups.Count];
        for (var g = 0; g < placed.Length; g++)
        {
            placed[g] = batch.ScriptEvaluateAsync(RedisTimelineScripts.PlaceFillMarkers, Keys(list, groups[g]), [fillMarker, FillMarkerSeconds]);
        }

        batch.Execute();
        await Task.WhenAll(placed);
        for (var g = 0; g < placed.Length; g++)
        {
            var markers = (RedisValue[])placed[g].Result!;
            for (var i = 0; i < markers.Length; i++)
            {
                if (!markers[i].StartsWith(FilledPrefix))
                {
                    expected[groups[g][i]] = markers[i].ToString();
                }
            }
        }
    }

    /// <summary>The commands of one list's read, and how to read their answers (members only: an entry's member holds its key).</summary>
    private readonly struct ListRead
    {
        private readonly Task<RedisValue[]>? _newest;
        private readonly Task<RedisValue[]>? _marker;
        private readonly Task<RedisValue[]>? _tied;
        private readonly Task<RedisValue[]>? _older;
        private readonly Task<bool>? _executed;

        private ListRead(Task<RedisValue[]> newest)
        {
            _newest = newest;
        }

        private ListRead(Task<RedisValue[]> marker, Task<RedisValue[]> tied, Task<RedisValue[]> older, Task<bool> executed)
        {
            _marker = marker;
            _tied = tied;
            _older = older;
            _executed = executed;
        }

        public static ListRead Start(IDatabase database, IBatch batch, RedisKey key, SequenceKey? after, int limit)
        {
            if (after is not { } position)
            {
                // The marker sits at +inf, so the newest members come right after it: the top ranks, read from the
                // set's tail with no search by score (a quarter cheaper on a long set, docs/performance.md).
                return new ListRead(batch.SortedSetRangeByRankAsync(key, 0, limit, Order.Descending));
            }

            // Three commands that must see the same list (a list dropped and refilled between them would
            // mix two lists): one MULTI/EXEC, on the list's own key, so a cluster takes it too.
            double at = position.At.ToUnixTimeMilliseconds();
            var transaction = database.CreateTransaction();
            var read = new ListRead(
                transaction.SortedSetRangeByScoreAsync(key, double.PositiveInfinity, double.PositiveInfinity, Exclude.None, Order.Ascending, 0, 1),
                transaction.SortedSetRangeByScoreAsync(key, at, at, Exclude.None, Order.Descending),
                transaction.SortedSetRangeByScoreAsync(key, at, double.NegativeInfinity, Exclude.Start, Order.Descending, 0, limit),
                transaction.ExecuteAsync());
            return read;
        }

        public async ValueTask CompletedAsync()
        {
            if (_newest is not null)
            {
                await _newest;
                return;
            }

            await _executed!;
            await _marker!;
            await _tied!;
            await _older!;
        }

        /// <summary>A marker is told by its prefix, whatever its length (a version is whatever Redis holds).</summary>
        private static bool IsMarker(RedisValue member)
        {
            var bytes = ((ReadOnlyMemory<byte>)member).Span;
            return bytes.StartsWith(FilledPrefixBytes) || bytes.StartsWith(FillingPrefixBytes);
        }

        /// <summary>"end", compared as bytes (a RedisValue comparison with a string would encode the string each time).</summary>
        private static bool IsEnd(RedisValue member) => ((ReadOnlyMemory<byte>)member).Span.SequenceEqual(EndBytes);

        /// <summary>The list's marker; null when the list is absent (or, never written so, has none).</summary>
        public RedisValue Marker()
        {
            // The marker is the member at +inf: the first of the newest, when it is one (a list without one has none).
            var members = _newest is not null ? _newest.Result : _marker!.Result;
            return members.Length > 0 && IsMarker(members[0]) ? members[0] : RedisValue.Null;
        }

        /// <summary>The entries strictly after the position, newest first, at most <paramref name="limit"/>; "end" reached or not.</summary>
        public CachedRange Range(Guid authorId, SequenceKey? after, int limit)
        {
            var older = _newest is not null ? _newest.Result.AsSpan(1) : _older!.Result.AsSpan();
            var entries = new List<TimelineEntry>(Math.Min(limit, older.Length + (_tied?.Result.Length ?? 0)));
            if (after is { } position)
            {
                // Same millisecond as the position: only the members below its post id come after it.
                foreach (var member in _tied!.Result)
                {
                    if (TryReadEntryMember(member, out var key) && key.Id.CompareTo(position.Id) < 0 && entries.Count < limit)
                    {
                        entries.Add(new TimelineEntry(key, authorId));
                    }
                }
            }

            foreach (var member in older)
            {
                if (entries.Count == limit)
                {
                    break;
                }

                if (IsEnd(member))
                {
                    return new CachedRange(entries, ReachesEnd: true);
                }

                entries.Add(TryReadEntryMember(member, out var key)
                    ? new TimelineEntry(key, authorId)
                    : throw new RedisException($"Not a timeline entry in a cached list: '{member}'."));
            }

            return new CachedRange(entries, ReachesEnd: false);
        }
    }
}
