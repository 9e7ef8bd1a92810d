using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace Feed.Timeline.Redis;

/// <summary>
/// Post details, as a page shows them (with the author's username: usernames never change), or the
/// mark "deleted". Details are immutable, so a key is only ever written once per cache version, by
/// the fan-out that delivers the post or by a read that missed it; the mark wins over both. Processes
/// keep the details they read (<see cref="KeptPosts"/>); a deletion is announced on a stream once its mark is in place.
/// </summary>
internal sealed partial class RedisTimelineCache
{
    private static readonly TimeSpan PostLifetime = TimeSpan.FromDays(3);
    private static readonly byte[] DeletedBytes = System.Text.Encoding.UTF8.GetBytes(DeletedValue);
    private static readonly IReadOnlySet<Guid> NoneDeleted = new HashSet<Guid>();
    private static readonly IReadOnlyDictionary<Guid, string> NoMarkers = new Dictionary<Guid, string>();

    public async ValueTask AddPostAsync(TimelinePost post, string authorName, CancellationToken cancellationToken)
    {
        // Without a trusted version (a fresh process, or failures not yet covered) the details would not be trusted anyway.
        if (TrustedVersion() is not { } version)
        {
            return;
        }

        await FillPostsAsync(new CacheFill(version, new Dictionary<Guid, string>()), [post], new Dictionary<Guid, string> { [post.AuthorId] = authorName }, cancellationToken);
    }

    public async ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken)
    {
        try
        {
            await RenewVersionIfDistrustedAsync();
            var batch = Database.CreateBatch();
            var fromInfluencerPosts = batch.ScriptEvaluateAsync(RedisTimelineScripts.RemovePost, [ListKey(CachedList.InfluencerPosts, authorId)], [postId.ToByteArray(bigEndian: true)]);
            var details = batch.StringSetAsync(PostKey(postId), DeletedValue, PostLifetime, When.Always);
            batch.Execute();
            await Task.WhenAll(fromInfluencerPosts, details);

            // Announced only once the mark is in place: on a cluster the stream is on another node, and a
            // process establishing its stream position at this entry must find the mark (KeptPosts). The list's
            // new token goes in the same round trip: its edit is done too.
            var announcing = Database.CreateBatch();
            var announced = ChangeInfluencerTokens(announcing, [authorId]);
            announced.Add(AnnounceDeletionAsync(announcing, postId));
            announcing.Execute();
            await Task.WhenAll(announced);
            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "write", lostWrite: true);
        }
    }

    public async ValueTask<CachedPosts> GetPostsAsync(IReadOnlyCollection<Guid> postIds, DeletionsSeen? seen, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (postIds.Count == 0)
        {
            return CachedPosts.None;
        }

        var found = new Dictionary<Guid, TimelinePost>(postIds.Count);
        var authorNames = new Dictionary<Guid, string>(postIds.Count);
        var ids = seen is not null && _keptPosts is { } keptPosts ? FromKept(keptPosts, postIds, seen, found, authorNames) : [.. postIds];
        if (ids.Length == 0)
        {
            // Every deletion done before this read is known here: the kept details are what Redis holds.
            return new CachedPosts(found, authorNames, NoneDeleted, null);
        }

        try
        {
            await RenewVersionIfDistrustedAsync();
            var keys = new RedisKey[ids.Length];
            for (var i = 0; i < ids.Length; i++)
            {
                keys[i] = PostKey(ids[i]);
            }

            // Copies are kept only from reads sent once the deletions stream position is known (KeptPosts).
            var epoch = _keptPosts is { Seen: not null } ? _keptPosts.Epoch : (long?)null;
            var batch = Database.CreateBatch();
            var versionRead = batch.StringGetAsync(_versionKey);
            var valuesRead = GetEach(batch, keys);
            batch.Execute();
            await Task.WhenAll(versionRead, valuesRead);
            var version = await CurrentVersionAsync(versionRead.Result);

            HashSet<Guid>? deleted = null;
            var values = valuesRead.Result;
            for (var i = 0; i < ids.Length; i++)
            {
                if (values[i].IsNull)
                {
                    continue;
                }

                var value = (ReadOnlyMemory<byte>)values[i];
                if (value.Span.SequenceEqual(DeletedBytes))
                {
                    (deleted ??= []).Add(ids[i]);
                }
                else if (TryParseDetails(value.Span) is { AuthorName: { } authorName } details && details.Version == version)
                {
                    var post = new TimelinePost(ids[i], details.AuthorId, details.PostUrl, details.PostType, DateTimeOffset.FromUnixTimeMilliseconds(details.CreatedOn));
                    found[ids[i]] = post;
                    authorNames[details.AuthorId] = authorName;
                    if (epoch is { } sentIn)
                    {
                        _keptPosts!.Keep(sentIn, ids[i], new KeptPost(post, authorName, version));
                    }
                }
            }

            Recovered();
            return new CachedPosts(found, authorNames, (IReadOnlySet<Guid>?)deleted ?? NoneDeleted, new CacheFill(version, NoMarkers));
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "read", lostWrite: false);
            return CachedPosts.None;
        }
    }

    /// <summary>Answers what the kept details can; returns the ids left for Redis.</summary>
    private static Guid[] FromKept(KeptPosts kept, IReadOnlyCollection<Guid> postIds, DeletionsSeen seen, Dictionary<Guid, TimelinePost> found, Dictionary<Guid, string> authorNames)
    {
        List<Guid>? rest = null;
        foreach (var postId in postIds)
        {
            if (kept.Find(postId, seen) is { } copy)
            {
                found[postId] = copy.Post;
                authorNames[copy.Post.AuthorId] = copy.AuthorName;
            }
            else
            {
                (rest ??= new List<Guid>(postIds.Count)).Add(postId);
            }
        }

        return rest is null ? [] : [.. rest];
    }

    public async ValueTask FillPostsAsync(CacheFill fill, IReadOnlyCollection<TimelinePost> posts, IReadOnlyDictionary<Guid, string> authorNames, CancellationToken cancellationToken)
    {
        if (posts.Count == 0)
        {
            return;
        }

        try
        {
            var batch = Database.CreateBatch();
            var fills = new List<Task>(posts.Count);
            var lifetime = (long)PostLifetime.TotalSeconds;
            foreach (var post in posts)
            {
                // Details without their author's name would be of no use to a page.
                if (!authorNames.TryGetValue(post.AuthorId, out var authorName))
                {
                    continue;
                }

                var details = new CachedPostDetails(fill.Version, post.AuthorId, post.CreatedOn.ToUnixTimeMilliseconds(), post.PostType, post.PostUrl, authorName);
                var value = JsonSerializer.Serialize(details, CachedPostJson.Default.CachedPostDetails);
                fills.Add(batch.ScriptEvaluateAsync(RedisTimelineScripts.FillPost, [PostKey(post.PostId)], [value, lifetime, DeletedValue]));
            }

            batch.Execute();
            await Task.WhenAll(fills);
            Recovered();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            Unavailable(exception, "fill", lostWrite: false);
        }
    }

    /// <summary>
    /// Appends the deletion to the stream every process keeping details reads (KeptPosts), trimmed to its
    /// last minutes by age on the server's clock (a process whose clock ran ahead would trim entries other
    /// processes have yet to apply).
    /// </summary>
    private Task<RedisResult> AnnounceDeletionAsync(IBatch batch, Guid postId) =>
        batch.ScriptEvaluateAsync(
            RedisTimelineScripts.AnnounceDeletion,
            [_deletionsKey],
            [(long)KeptPosts.StreamAge.TotalMilliseconds, KeptPosts.PostField, Member(postId)]);

    /// <summary>Details written by this or an earlier layout; anything unreadable is a miss.</summary>
    private static CachedPostDetails? TryParseDetails(ReadOnlySpan<byte> value)
    {
        try
        {
            return JsonSerializer.Deserialize(value, CachedPostJson.Default.CachedPostDetails);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A post's cached details, its author's username (absent in the earlier layout: a miss) and the cache version they were cached under.</summary>
internal sealed record CachedPostDetails(
    [property: JsonPropertyName("v")] string Version,
    [property: JsonPropertyName("a")] Guid AuthorId,
    [property: JsonPropertyName("t")] long CreatedOn,
    [property: JsonPropertyName("k")] string PostType,
    [property: JsonPropertyName("u")] string PostUrl,
    [property: JsonPropertyName("n")] string? AuthorName);

[JsonSerializable(typeof(CachedPostDetails))]
internal sealed partial class CachedPostJson : JsonSerializerContext;
