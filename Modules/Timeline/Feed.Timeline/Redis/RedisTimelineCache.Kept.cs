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
    private async ValueTask<CachedRanges> ReadInfluencerPostsAsync(KeptCopies<KeptList> kept, IReadOnlyList<Guid> ownerIds, SequenceKey? after, int limit)
    {
        // First round trip: the tokens of the lists a kept copy can answer, and the others read outright
        // (each behind its token, with a token of this read's own placed where there is none yet).
        var copies = new KeptList?[ownerIds.Count];
        var tokenKeys = new List<RedisKey>(ownerIds.Count);
        var readIds = new List<Guid>();
        for (var i = 0; i < ownerIds.Count; i++)
        {
            copies[i] = kept.Find(ownerIds[i]) is { } copy && copy.Answers(after, limit) ? copy : null;
            if (copies[i] is { } found)
            {
                tokenKeys.Add(found.TokenKey);
            }
            else
            {
                readIds.Add(ownerIds[i]);
            }
        }

        var batch = Database.CreateBatch();
        var versionRead = batch.StringGetAsync(_versionKey);
        var tokensRead = ReadTokens(batch, tokenKeys);
        var reads = ReadBehindTokens(batch, versionRead, readIds, after, limit, placeTokens: true);
        batch.Execute();
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
                hits[ownerIds[i]] = copy.Range(after, limit);
            }
            else
            {
                kept.Forget(ownerIds[i], copy);
                stale.Add(ownerIds[i]);
            }
        }

        var expected = await AnswerAsync(kept, readIds, reads, after, limit, hits);
        if (stale.Count > 0)
        {
            // Second round trip, only for lists changed since their copy was kept.
            var again = Database.CreateBatch();
            var rereads = ReadBehindTokens(again, again.StringGetAsync(_versionKey), stale, after, limit, placeTokens: false);
            again.Execute();
            foreach (var (ownerId, marker) in await AnswerAsync(kept, stale, rereads, after, limit, hits))
            {
                expected[ownerId] = marker;
            }
        }

        Recovered();
        return new CachedRanges(hits, new CacheFill(version, expected));
    }

    /// <summary>The lists' reads answered as <see cref="ReadAsync"/> answers them; first-page hits are kept with the token read before them.</summary>
    private async ValueTask<Dictionary<Guid, string>> AnswerAsync(
        KeptCopies<KeptList> kept,
        List<Guid> ownerIds,
        ListsBehindTokens reads,
        SequenceKey? after,
        int limit,
        Dictionary<Guid, CachedRange> hits)
    {
        if (ownerIds.Count == 0)
        {
            return [];
        }

        await reads.Version;
        await Task.WhenAll(reads.Placed);
        await Task.WhenAll(reads.Tokens);
        foreach (var read in reads.Lists)
        {
            await read.CompletedAsync();
        }

        var version = await CurrentVersionAsync(reads.Version.Result);
        var found = new Dictionary<Guid, CachedRange>(ownerIds.Count);
        var expected = await SortAsync(CachedList.InfluencerPosts, ownerIds, reads.Lists, version, after, limit, found);
        for (var i = 0; i < ownerIds.Count; i++)
        {
            if (found.TryGetValue(ownerIds[i], out var range))
            {
                hits[ownerIds[i]] = range;
                var token = reads.Tokens[i].Result;
                if (after is null && !token.IsNull)
                {
                    kept.Keep(ownerIds[i], new KeptList(TokenKey(ownerIds[i]), token, version, [.. range.Entries], range.ReachesEnd));
                }
            }
        }

        return expected;
    }

    /// <summary>The tokens of these lists, in order.</summary>
    private Task<RedisValue[]> ReadTokens(IBatch batch, List<RedisKey> keys) =>
        keys.Count == 0 ? Task.FromResult<RedisValue[]>([]) : GetEach(batch, [.. keys]);

    /// <summary>Each list's read right behind its token's read (same slot, so same connection and in order); the version with them.</summary>
    private ListsBehindTokens ReadBehindTokens(
        IBatch batch,
        Task<RedisValue> version,
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

        return new ListsBehindTokens(version, placed, tokens, lists);
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
        var sets = new List<Task>();
        var lifetime = TimeSpan.FromSeconds(ListSeconds);
        foreach (var ownerId in ownerIds)
        {
            sets.Add(batch.StringSetAsync(TokenKey(ownerId), NewToken(), lifetime));
        }

        batch.Execute();
        await Task.WhenAll(sets);
    }

    /// <summary>The pending answers of <see cref="ReadBehindTokens"/>.</summary>
    private readonly record struct ListsBehindTokens(Task<RedisValue> Version, List<Task> Placed, Task<RedisValue>[] Tokens, ListRead[] Lists);

    private static readonly Task<RedisValue> NoToken = Task.FromResult(RedisValue.Null);

    private static string NewToken() => Guid.NewGuid().ToString("N");

    private RedisKey TokenKey(Guid influencerId) => _prefix + "influencer-posts-token:{" + Member(influencerId) + "}";
}
