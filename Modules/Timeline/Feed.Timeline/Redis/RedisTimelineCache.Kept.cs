using Feed.SharedKernel.Paging;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// Influencer lists read through the copies this process keeps (<see cref="KeptCopies{TCopy}"/>).
/// Each influencer list has a change token (<c>influencer-posts-token:{id}</c>, in the list's hash
/// slot): every change of the list sets a new one once the change is done, and a reader reads the
/// token before the list, in order on the same connection. So a copy kept with token t holds every
/// change completed before t was read, and while Redis still answers t no change has completed since.
/// A warm read of all of a page's influencers is one MGET of their tokens; a list whose token moved
/// (its influencer posted or deleted a post) is read again, in a second round trip.
/// </summary>
internal sealed partial class RedisTimelineCache
{
    /// <summary>
    /// Adds to <paramref name="batch"/> the tokens of the lists a kept copy can answer, and the other lists
    /// read outright (each behind its token, with a token of this read's own placed where there is none yet).
    /// </summary>
    private PendingListReads StartInfluencerReads(IBatch batch, KeptCopies<KeptList> kept, IReadOnlyList<Guid> ownerIds, SequenceKey? after, int limit)
    {
        var copies = new KeptList?[ownerIds.Count];
        var tokenKeys = new List<RedisKey>(ownerIds.Count);
        var readIds = new List<Guid>();
        for (var i = 0; i < ownerIds.Count; i++)
        {
            copies[i] = kept.Find(ownerIds[i]) is { } copy && copy.Head.Answers(after, limit) ? copy : null;
            if (copies[i] is { } found)
            {
                tokenKeys.Add(found.TokenKey);
            }
            else
            {
                readIds.Add(ownerIds[i]);
            }
        }

        var tokensRead = ReadTokens(batch, tokenKeys);
        var reads = ReadBehindTokens(batch, readIds, after, ReadDepth(after, limit), placeTokens: true);
        return versionRead => AnswerInfluencersAsync(kept, ownerIds, copies, tokensRead, readIds, reads, versionRead, after, limit);
    }

    private async Task<CachedRanges> AnswerInfluencersAsync(
        KeptCopies<KeptList> kept,
        IReadOnlyList<Guid> ownerIds,
        KeptList?[] copies,
        Task<RedisValue[]> tokensRead,
        List<Guid> readIds,
        ListsBehindTokens reads,
        Task<RedisValue> versionRead,
        SequenceKey? after,
        int limit)
    {
        await versionRead;
        var tokens = await tokensRead;
        var version = await CurrentVersionAsync(versionRead.Result);

        var hits = new Dictionary<Guid, CachedRange>(ownerIds.Count);
        var stale = new List<Guid>();
        for (int i = 0, c = 0; i < ownerIds.Count; i++)
        {
            if (copies[i] is not { } copy)
            {
                continue;
            }

            var token = tokens[c++];
            if (copy.Version == version && !token.IsNull && copy.Token == token)
            {
                hits[ownerIds[i]] = copy.Head.Range(after, limit);
            }
            else
            {
                kept.Forget(ownerIds[i], copy);
                stale.Add(ownerIds[i]);
            }
        }

        var expected = await AnswerAsync(kept, readIds, reads, versionRead, after, limit, hits);
        if (stale.Count > 0)
        {
            // Second round trip, only for lists changed since their copy was kept.
            var again = Database.CreateBatch();
            var againVersion = again.StringGetAsync(_versionKey);
            var rereads = ReadBehindTokens(again, stale, after, ReadDepth(after, limit), placeTokens: false);
            again.Execute();
            foreach (var (ownerId, marker) in await AnswerAsync(kept, stale, rereads, againVersion, after, limit, hits))
            {
                expected[ownerId] = marker;
            }
        }

        Recovered();
        return new CachedRanges(hits, new CacheFill(version, expected));
    }

    /// <summary>
    /// The lists' reads answered as <see cref="ReadAsync"/> answers them; first-page reads (read <see cref="KeptList.Depth"/>
    /// deep) answer with their head and are kept with the token read before them.
    /// </summary>
    private async ValueTask<Dictionary<Guid, string>> AnswerAsync(
        KeptCopies<KeptList> kept,
        List<Guid> ownerIds,
        ListsBehindTokens reads,
        Task<RedisValue> versionRead,
        SequenceKey? after,
        int limit,
        Dictionary<Guid, CachedRange> hits)
    {
        if (ownerIds.Count == 0)
        {
            return [];
        }

        await versionRead;
        await Task.WhenAll(reads.Placed);
        await Task.WhenAll(reads.Tokens);
        foreach (var read in reads.Lists)
        {
            await read.CompletedAsync();
        }

        var version = await CurrentVersionAsync(versionRead.Result);
        var found = new Dictionary<Guid, CachedRange>(ownerIds.Count);
        var expected = await SortAsync(CachedList.InfluencerPosts, ownerIds, reads.Lists, version, after, ReadDepth(after, limit), found);
        for (var i = 0; i < ownerIds.Count; i++)
        {
            if (!found.TryGetValue(ownerIds[i], out var range))
            {
                continue;
            }

            if (after is not null)
            {
                hits[ownerIds[i]] = range;
                continue;
            }

            var head = new ListHead([.. range.Entries], range.ReachesEnd);
            hits[ownerIds[i]] = head.Range(after: null, limit);
            var token = reads.Tokens[i].Result;
            if (!token.IsNull)
            {
                kept.Keep(ownerIds[i], new KeptList(TokenKey(ownerIds[i]), token, version, head));
            }
        }

        return expected;
    }

    /// <summary>How many entries of each list a read reads: a first page reads a copy's depth, whatever it answers.</summary>
    private static int ReadDepth(SequenceKey? after, int limit) => after is null ? Math.Max(limit, KeptList.Depth) : limit;

    /// <summary>The tokens of these lists, in order.</summary>
    private Task<RedisValue[]> ReadTokens(IBatch batch, List<RedisKey> keys) =>
        keys.Count == 0 ? Task.FromResult<RedisValue[]>([]) : GetEach(batch, [.. keys]);

    /// <summary>Each list's read right behind its token's read (same slot, so same connection and in order).</summary>
    private ListsBehindTokens ReadBehindTokens(
        IBatch batch,
        List<Guid> ownerIds,
        SequenceKey? after,
        int limit,
        bool placeTokens)
    {
        var placed = new List<Task>();
        var tokens = new Task<RedisValue>[ownerIds.Count];
        var lists = new ListRead[ownerIds.Count];
        for (var i = 0; i < ownerIds.Count; i++)
        {
            // Only first pages are kept, so only their reads need a token (a page after a cursor reads its
            // list in a transaction of its own, sent apart from this batch anyway).
            if (after is null)
            {
                var tokenKey = TokenKey(ownerIds[i]);
                if (placeTokens)
                {
                    // A list nobody changed since its token expired (or ever) gets one, so that its copy can be checked.
                    placed.Add(batch.StringSetAsync(tokenKey, NewToken(), TimeSpan.FromSeconds(ListSeconds), When.NotExists));
                }

                tokens[i] = batch.StringGetAsync(tokenKey);
            }
            else
            {
                tokens[i] = NoToken;
            }

            lists[i] = ListRead.Start(Database, batch, ListKey(CachedList.InfluencerPosts, ownerIds[i]), after, limit);
        }

        return new ListsBehindTokens(placed, tokens, lists);
    }

    /// <summary>
    /// After the lists changed (awaited first, so that no reader can see the new token before the
    /// change): a new token for each, so that no kept copy of them is served again.
    /// </summary>
    private async Task ChangeTokensAsync(CachedList list, IEnumerable<Guid> ownerIds)
    {
        if (list != CachedList.InfluencerPosts)
        {
            return;
        }

        var batch = Database.CreateBatch();
        var sets = ChangeInfluencerTokens(batch, ownerIds);
        batch.Execute();
        await Task.WhenAll(sets);
    }

    /// <summary>New tokens for influencer lists, queued on a batch the caller sends once the lists changed.</summary>
    private List<Task> ChangeInfluencerTokens(IBatch batch, IEnumerable<Guid> authorIds)
    {
        var sets = new List<Task>();
        var lifetime = TimeSpan.FromSeconds(ListSeconds);
        foreach (var authorId in authorIds)
        {
            sets.Add(batch.StringSetAsync(TokenKey(authorId), NewToken(), lifetime));
        }

        return sets;
    }

    /// <summary>The pending answers of <see cref="ReadBehindTokens"/>.</summary>
    private readonly record struct ListsBehindTokens(List<Task> Placed, Task<RedisValue>[] Tokens, ListRead[] Lists);

    private static readonly Task<RedisValue> NoToken = Task.FromResult(RedisValue.Null);

    private static string NewToken() => Guid.NewGuid().ToString("N");
}
