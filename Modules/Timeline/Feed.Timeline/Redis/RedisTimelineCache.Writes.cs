using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// Writes to cached lists: fills after a read miss, adds and removals as the store changes, drops. The
/// store is always written first; a failed write distrusts the cache (<see cref="RedisTimelineCache"/>, missed writes).
/// </summary>
internal sealed partial class RedisTimelineCache
{
    public async ValueTask FillAsync(CachedList list, CacheFill fill, IReadOnlyDictionary<Guid, IReadOnlyList<TimelineEntry>> newest, CancellationToken cancellationToken)
    {
        if (fill.Expected.Count == 0)
        {
            return;
        }

        try
        {
            var batch = Database.CreateBatch();
            var fills = new List<Task>(fill.Expected.Count);
            foreach (var (ownerId, expected) in fill.Expected)
            {
                var rows = newest.TryGetValue(ownerId, out var found) ? found : [];
                var kept = Math.Min(rows.Count, Capacity);
                var arguments = new RedisValue[5 + (2 * kept)];
                arguments[0] = expected;
                arguments[1] = FilledPrefix + fill.Version;
                arguments[2] = Capacity;
                arguments[3] = rows.Count <= Capacity ? 1 : 0;
                arguments[4] = ListSeconds;
                for (var i = 0; i < kept; i++)
                {
                    arguments[5 + (2 * i)] = Score(rows[i].CreatedOn);
                    arguments[6 + (2 * i)] = EntryMember(rows[i]);
                }

                fills.Add(batch.ScriptEvaluateAsync(RedisTimelineScripts.Fill, [ListKey(list, ownerId)], arguments));
            }

            batch.Execute();
            await Task.WhenAll(fills);
            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            // An unfilled list only stays a miss: nothing becomes stale.
            Unavailable(exception, "fill", lostWrite: false);
        }
    }

    public async ValueTask AddAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        if (ownerIds.Count == 0)
        {
            return;
        }

        try
        {
            var batch = Database.CreateBatch();
            RedisValue[] arguments = [Score(entry.CreatedOn), EntryMember(entry), Capacity];
            var adds = new List<Task>();
            foreach (var group in ScriptGroups(list, ownerIds))
            {
                adds.Add(batch.ScriptEvaluateAsync(RedisTimelineScripts.Add, Keys(list, group), arguments));
            }

            batch.Execute();
            await Task.WhenAll(adds);
            await ChangeTokensAsync(list, ownerIds);
            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "write", lostWrite: true);
        }
    }

    public async ValueTask RemoveAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        if (ownerIds.Count == 0)
        {
            return;
        }

        try
        {
            // Removing an entry keeps a list's window and its "end": what it holds still matches the store.
            var batch = Database.CreateBatch();
            var removals = new List<Task>(ownerIds.Count);
            RedisValue member = EntryMember(entry);
            foreach (var ownerId in ownerIds)
            {
                removals.Add(batch.SortedSetRemoveAsync(ListKey(list, ownerId), member));
            }

            batch.Execute();
            await Task.WhenAll(removals);
            await ChangeTokensAsync(list, ownerIds);
            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "write", lostWrite: true);
        }
    }

    public ValueTask DropAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, CancellationToken cancellationToken) =>
        DeleteEachAsync(ownerIds.Select(ownerId => ListKey(list, ownerId)), ownerIds.Count, () => ChangeTokensAsync(list, ownerIds));

    /// <summary>Deletes keys after the store changed what they cache; a failure distrusts the cache (the keys are stale).</summary>
    private async ValueTask DeleteEachAsync(IEnumerable<RedisKey> keys, int count, Func<Task>? then = null)
    {
        if (count == 0)
        {
            return;
        }

        try
        {
            // One DEL per key (not one multi-key DEL), so that a cluster may hold the keys on any node.
            var batch = Database.CreateBatch();
            var drops = new List<Task>(count);
            foreach (var key in keys)
            {
                drops.Add(batch.KeyDeleteAsync(key));
            }

            batch.Execute();
            await Task.WhenAll(drops);
            if (then is not null)
            {
                await then();
            }

            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            // A key that should have been dropped is stale: the version renewal makes it untrusted.
            Unavailable(exception, "write", lostWrite: true);
        }
    }
}
