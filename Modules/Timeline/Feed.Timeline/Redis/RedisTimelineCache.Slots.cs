using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// What a Redis Cluster asks of multi-key commands and scripts: all their keys in one hash slot. A
/// single server takes them as they come; on a cluster they are split by slot and answered together.
/// </summary>
internal sealed partial class RedisTimelineCache
{
    private int _onCluster = -1; // -1 not known yet, 0 a single server, 1 a cluster

    /// <summary>
    /// The lists of one read or add, in groups for one script call each: up to <see cref="ListsPerScript"/>
    /// lists per call (a script blocks Redis while it runs), and on a cluster only lists of the same
    /// hash slot together, as a cluster requires of a script's keys.
    /// </summary>
    private List<Guid[]> ScriptGroups(CachedList list, IReadOnlyCollection<Guid> ownerIds)
    {
        if (!OnCluster())
        {
            return [.. ownerIds.Chunk(ListsPerScript)];
        }

        return [.. ownerIds.GroupBy(ownerId => _redis.HashSlot(ListKey(list, ownerId))).SelectMany(slot => slot.Chunk(ListsPerScript))];
    }

    /// <summary>
    /// The values of <paramref name="keys"/>, in order: one MGET on a single server; on a cluster one
    /// MGET per hash slot (a multi-key command must stay in one slot), answered together.
    /// </summary>
    private Task<RedisValue[]> GetEach(IBatch batch, RedisKey[] keys)
    {
        if (!OnCluster())
        {
            return batch.StringGetAsync(keys);
        }

        var slots = keys.Select((key, index) => (key, index)).GroupBy(pair => _redis.HashSlot(pair.key)).ToList();
        var reads = slots.Select(slot => batch.StringGetAsync(slot.Select(pair => pair.key).ToArray())).ToList();
        return Join();

        async Task<RedisValue[]> Join()
        {
            var values = new RedisValue[keys.Length];
            for (var s = 0; s < slots.Count; s++)
            {
                var answer = await reads[s];
                var i = 0;
                foreach (var (_, index) in slots[s])
                {
                    values[index] = answer[i++];
                }
            }

            return values;
        }
    }

    /// <summary>Whether Redis is a cluster; asked of the connection until a server answered, then remembered.</summary>
    private bool OnCluster()
    {
        var known = Volatile.Read(ref _onCluster);
        if (known >= 0)
        {
            return known == 1;
        }

        var servers = _redis.GetServers();
        var cluster = servers.Any(server => server.ServerType == ServerType.Cluster);
        if (servers.Any(server => server.IsConnected))
        {
            Volatile.Write(ref _onCluster, cluster ? 1 : 0);
        }

        return cluster;
    }

    private RedisKey[] Keys(CachedList list, Guid[] ownerIds)
    {
        var keys = new RedisKey[ownerIds.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ListKey(list, ownerIds[i]);
        }

        return keys;
    }
}
