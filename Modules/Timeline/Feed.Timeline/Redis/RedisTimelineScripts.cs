namespace Feed.Timeline.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisTimelineCache"/>. Each handles every list (or reader) it is
/// given on its own, atomically per key; the cache gives a script only keys of one hash slot on a
/// cluster. A list is a sorted set: entries (score = created_on in
/// Unix ms, member = created_on and post id, 24 bytes big-endian), one marker at +inf ("v:&lt;version&gt;:&lt;fill id&gt;"
/// once filled, "filling:&lt;id&gt;" while a reader fills it: each unique to its fill) and, when the set holds the whole list,
/// the member "end" at -inf. Trimming keeps the marker and the newest capacity entries, removing
/// the oldest ones by rank, and "end" with them: older entries are then no longer all cached.
/// </summary>
internal static class RedisTimelineScripts
{
    /// <summary>
    /// Places a fill marker on each list that is absent (a read found it so, and will fill it from the
    /// store); a list created meanwhile keeps its own marker. KEYS[1..n] lists; ARGV: [1] fill marker,
    /// [2] its lifetime (s). Returns each list's marker now.
    /// </summary>
    public const string PlaceFillMarkers = """
        local markers = {}
        for i = 1, #KEYS do
          local marker = redis.call('ZRANGE', KEYS[i], '+inf', '+inf', 'BYSCORE', 'LIMIT', 0, 1)[1]
          if not marker then
            redis.call('ZADD', KEYS[i], '+inf', ARGV[1])
            redis.call('EXPIRE', KEYS[i], ARGV[2])
            marker = ARGV[1]
          end
          markers[i] = marker
        end
        return markers
        """;

    /// <summary>
    /// Fills a list with the store's newest entries, only if its marker is still the one the read saw
    /// (otherwise the list was dropped and re-created, or filled by someone else, meanwhile). Entries
    /// already in the set (written concurrently) stay; whether the list is whole is the store's word.
    /// KEYS[1] list; ARGV: [1] expected marker, [2] new marker, [3] capacity, [4] "1" when the entries
    /// are the whole list, [5] list lifetime (s), [6..] score/member pairs.
    /// </summary>
    public const string Fill = """
        local function trim(key, capacity)
          local entries = redis.call('ZCARD', key) - 1
          local lowest = redis.call('ZRANGE', key, 0, 0)[1]
          local whole = lowest == 'end'
          if whole then
            entries = entries - 1
          end
          if entries > capacity then
            local excess = entries - capacity
            if whole then
              excess = excess + 1
            end
            redis.call('ZREMRANGEBYRANK', key, 0, excess - 1)
          end
        end
        local marker = redis.call('ZRANGE', KEYS[1], '+inf', '+inf', 'BYSCORE', 'LIMIT', 0, 1)[1]
        if marker ~= ARGV[1] then
          return 0
        end
        redis.call('ZREM', KEYS[1], marker)
        -- One ZADD per 500 entries, not one per entry (each call from Lua costs about what a small ZADD does);
        -- bounded because unpack's results must fit Lua's stack.
        for i = 6, #ARGV, 1000 do
          redis.call('ZADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
        end
        if ARGV[4] == '1' then
          redis.call('ZADD', KEYS[1], '-inf', 'end')
        else
          redis.call('ZREM', KEYS[1], 'end')
        end
        redis.call('ZADD', KEYS[1], '+inf', ARGV[2])
        trim(KEYS[1], tonumber(ARGV[3]))
        redis.call('EXPIRE', KEYS[1], ARGV[5])
        return 1
        """;

    /// <summary>
    /// Adds an entry to each list that exists (filled or being filled), then trims it. A filled list
    /// that is not whole is the newest part of the store's list, so an entry older than its oldest one
    /// lies outside it and is not added (adding it would leave a gap above it). Each list is handled
    /// on its own, exactly as a call with that one key would; one call for many lists saves a command
    /// round per list (fan-out adds one post to a thousand lists at a time). A window that deletions emptied
    /// is dropped instead (like a drop, the change tokens that follow every add cover it).
    /// KEYS[1..n] lists; ARGV: [1] score, [2] member, [3] capacity. Returns how many lists took the entry (a full
    /// window that let it out at once, being older than all of it, counts).
    /// </summary>
    public const string Add = """
        local function precedes(a, b)
          for i = 1, math.min(#a, #b) do
            local x, y = string.byte(a, i), string.byte(b, i)
            if x ~= y then
              return x < y
            end
          end
          return #a < #b
        end
        -- A list without "end": cached if it has its marker, and then only the newest part of the store's
        -- list if the marker says filled; the entry must not fall below that part's oldest entry.
        local function addToPart(key, score, member, capacity)
          local marker = redis.call('ZRANGE', key, '+inf', '+inf', 'BYSCORE', 'LIMIT', 0, 1)[1]
          if not marker then
            return 0
          end
          if string.sub(marker, 1, 2) == 'v:' then
            local low = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
            if low[1] == marker then
              -- A window that deletions emptied: nothing tells where the store's newest rows are, so no
              -- entry may go in (alone, it would hide the rows above it). Dropped: the next read refills it.
              redis.call('DEL', key)
              return 0
            end
            local at, lowest = tonumber(score), tonumber(low[2])
            if at < lowest or (at == lowest and precedes(member, low[1])) then
              return 0
            end
          end
          redis.call('ZADD', key, score, member)
          local entries = redis.call('ZCARD', key) - 1
          if entries > capacity then
            redis.call('ZREMRANGEBYRANK', key, 0, entries - capacity - 1)
          end
          return 1
        end
        local score, member, capacity = ARGV[1], ARGV[2], tonumber(ARGV[3])
        local added = 0
        for i = 1, #KEYS do
          local key = KEYS[i]
          -- A whole list (the common case: most timelines are shorter than the capacity) is told by
          -- "end" in O(1): no entry can fall outside it, and a set with "end" is cached (every cached
          -- set has its marker), so it takes the entry with no range read. This path is inline, not a
          -- function call: fan-out runs it once per follower (docs/performance.md, "store_ratio").
          if redis.call('ZSCORE', key, 'end') then
            redis.call('ZADD', key, score, member)
            local entries = redis.call('ZCARD', key) - 2
            if entries > capacity then
              -- Over capacity the set is no longer whole: "end" goes with the oldest entries.
              redis.call('ZREMRANGEBYRANK', key, 0, entries - capacity)
            end
            added = added + 1
          else
            -- A list longer than the cache keeps (an active reader's, often) is a full window: the entry goes in
            -- and the oldest goes out, which removes the entry itself when it is older than the whole window,
            -- as if it had not been added. No marker or range read: this path runs once per such follower.
            local count = redis.call('ZCARD', key)
            if count > capacity then
              if redis.call('ZADD', key, score, member) == 1 then
                redis.call('ZREMRANGEBYRANK', key, 0, count - 1 - capacity)
              end
              added = added + 1
            elseif count > 0 then
              added = added + addToPart(key, score, member, capacity)
            end
          end
        end
        return added
        """;

    /// <summary>
    /// Removes a post's entry from a list knowing only the post id (a deletion retried after the store
    /// forgot the post cannot tell its created_on): the entries whose member ends with the id. A list
    /// holds at most the cache's capacity, and deletions are rare. KEYS[1] list; ARGV: [1] post id, 16 bytes big-endian.
    /// </summary>
    public const string RemovePost = """
        local members = redis.call('ZRANGE', KEYS[1], 0, -1)
        local removed = 0
        for i = 1, #members do
          local member = members[i]
          if #member == 24 and string.sub(member, 9) == ARGV[1] then
            removed = removed + redis.call('ZREM', KEYS[1], member)
          end
        end
        return removed
        """;

    /// <summary>
    /// Caches post details unless the post is known deleted (a reader that found the post just
    /// before its deletion must not bring it back). KEYS[1] post; ARGV: [1] value, [2] lifetime (s), [3] the deleted mark.
    /// </summary>
    public const string FillPost = """
        if redis.call('GET', KEYS[1]) == ARGV[3] then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
        return 1
        """;

    /// <summary>
    /// After a read found a reader's state (a hash: "m" marker, "u" trusted until in Unix ms, "f"
    /// followees, "p" pulled followees) missing or not trusted: leaves it if it is now filled under the
    /// expected version and trusted at the given time; otherwise replaces it with a fill marker of this
    /// read's own, so that only this read's fill (or a later read's) can apply. KEYS[1] reader; ARGV:
    /// [1] filled marker expected, [2] now (Unix ms), [3] fill marker to place, [4] its lifetime (s).
    /// Returns the state's marker now.
    /// </summary>
    public const string ClaimReader = """
        local state = redis.call('HMGET', KEYS[1], 'm', 'u')
        if state[1] == ARGV[1] and state[2] and tonumber(state[2]) > tonumber(ARGV[2]) then
          return state[1]
        end
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 'm', ARGV[3])
        redis.call('EXPIRE', KEYS[1], ARGV[4])
        return ARGV[3]
        """;

    /// <summary>
    /// Fills a reader's state, only if its marker is still the one the read placed (a follow or an
    /// unfollow meanwhile dropped the key); that marker stays as the fill's stamp ('s'), unique to it. KEYS[1] reader; ARGV: [1] expected marker, [2] filled
    /// marker, [3] trusted until (Unix ms), [4] followees, [5] pulled followees, [6] lifetime (s).
    /// </summary>
    public const string FillReader = """
        if redis.call('HGET', KEYS[1], 'm') ~= ARGV[1] then
          return 0
        end
        redis.call('HSET', KEYS[1], 'm', ARGV[2], 'u', ARGV[3], 'f', ARGV[4], 'p', ARGV[5], 's', ARGV[1])
        redis.call('EXPIRE', KEYS[1], ARGV[6])
        return 1
        """;

    /// <summary>
    /// Appends a deletion to the deletions stream and trims the entries older than the given age, both by
    /// the server's clock: the entry's id is the server's time, and so is the trim's bound, so no process's
    /// clock decides which entries another process may still need. KEYS[1] stream; ARGV: [1] age kept (ms),
    /// [2] field, [3] post id. Returns the entry's id.
    /// </summary>
    public const string AnnounceDeletion = """
        local now = redis.call('TIME')
        local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1])
        return redis.call('XADD', KEYS[1], 'MINID', '~', oldest, '*', ARGV[2], ARGV[3])
        """;
}
