using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// Writes to cached lists: fills after a read miss, adds and removals as the store changes, drops. The
/// store is written first (a deletion's mark excepted: PostDeletedHandler); a failed write distrusts the cache (<see cref="RedisTimelineCache"/>, missed writes).
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
            RedisValue filled = FilledMarker(fill.Version);
            foreach (var (ownerId, expected) in fill.Expected)
            {
                var rows = newest.TryGetValue(ownerId, out var found) ? found : [];
                var kept = Math.Min(rows.Count, Capacity);
                var arguments = new RedisValue[5 + (2 * kept)];
                arguments[0] = expected;
                arguments[1] = filled;
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

    public ValueTask AddAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        RedisValue[] arguments = [Score(entry.CreatedOn), EntryMember(entry), Capacity];
        return ChangeListsAsync(list, ownerIds, batch =>
            ScriptGroups(list, ownerIds).Select(group => batch.ScriptEvaluateAsync(RedisTimelineScripts.Add, Keys(list, group), arguments)));
    }

    public ValueTask RemoveAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, TimelineEntry entry, CancellationToken cancellationToken)
    {
        // Removing an entry keeps a list's window and its "end": what it holds still matches the store.
        RedisValue member = EntryMember(entry);
        return ChangeListsAsync(list, ownerIds, batch =>
            ownerIds.Select(ownerId => batch.SortedSetRemoveAsync(ListKey(list, ownerId), member)));
    }

    // One DEL per key (not one multi-key DEL), so that a cluster may hold the keys on any node.
    public ValueTask DropAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, CancellationToken cancellationToken) =>
        ChangeListsAsync(list, ownerIds, batch => ownerIds.Select(ownerId => batch.KeyDeleteAsync(ListKey(list, ownerId))));

    /// <summary>Deletes keys after the store changed what they cache (reader states).</summary>
    private ValueTask DeleteEachAsync(IReadOnlyCollection<RedisKey> keys) =>
        WriteAsync(keys.Count, batch => keys.Select(key => batch.KeyDeleteAsync(key)), then: null);

    /// <summary>A change of lists the store has already made, then new change tokens for them (influencer lists).</summary>
    private ValueTask ChangeListsAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, Func<IBatch, IEnumerable<Task>> commands) =>
        WriteAsync(ownerIds.Count, commands, () => ChangeTokensAsync(list, ownerIds));

    /// <summary>
    /// Sends <paramref name="commands"/> in one batch and waits for them. A failure leaves what they would
    /// have changed stale, so it distrusts the cache (the version renewal makes every list untrusted);
    /// a write after one renews the version first, if the background renewal has not yet.
    /// </summary>
    private async ValueTask WriteAsync(int count, Func<IBatch, IEnumerable<Task>> commands, Func<Task>? then)
    {
        if (count == 0)
        {
            return;
        }

        try
        {
            await RenewVersionIfDistrustedAsync();
            var batch = Database.CreateBatch();
            var sent = commands(batch).ToList();
            batch.Execute();
            await Task.WhenAll(sent);
            if (then is not null)
            {
                await then();
            }

            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "write", lostWrite: true);
        }
    }
}
