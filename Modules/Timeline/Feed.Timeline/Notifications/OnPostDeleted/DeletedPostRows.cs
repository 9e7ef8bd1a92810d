using Mediator;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Notifications.OnPostDeleted;

/// <summary>
/// Takes a deleted post's rows out of its author's followers' timelines, stored and cached, walking the
/// followers in batches like fan-out: one key lookup per follower, one cache round trip per batch. Needs the post's key from the read model, so it
/// runs before the read model forgets the post. Reads already hide the rows (their post is gone from the
/// read model); this is cleanup, and idempotent: a repeated run finds no post and does nothing.
/// </summary>
internal sealed class DeletedPostRows(ISender sender, ITimelinePostStore postStore, ITimelineRowStore rowStore, ITimelineCache cache, IOptions<TimelineOptions> options)
{
    public async ValueTask RemoveAsync(Guid authorId, Guid postId, CancellationToken cancellationToken)
    {
        var posts = await postStore.GetPostsAsync([postId], cancellationToken);
        if (!posts.TryGetValue(postId, out var post))
        {
            return;
        }

        var entry = post.ToEntry();
        await foreach (var followers in sender.FollowerBatchesAsync(authorId, options.Value.FanOutBatchSize, cancellationToken))
        {
            await rowStore.RemoveTimelineRowsAsync(followers, entry, cancellationToken);
            await cache.RemoveAsync(CachedList.Timeline, followers, entry, cancellationToken);
        }
    }
}
