using System.Runtime.CompilerServices;
using Feed.Social.Contracts;
using Mediator;

namespace Feed.Timeline;

/// <summary>The follow graph as Social knows it now (the truth that timelines converge to).</summary>
internal static class FollowGraph
{
    public static async ValueTask<bool> FollowsAsync(this ISender sender, Guid followerId, Guid followeeId, CancellationToken cancellationToken)
    {
        var followees = await sender.Send(new GetFolloweeIds(followerId), cancellationToken);
        return followees.Contains(followeeId);
    }

    /// <summary>The followee's followers, a batch at a time, in Social's order (walks that touch every follower).</summary>
    public static async IAsyncEnumerable<IReadOnlyList<Guid>> FollowerBatchesAsync(
        this ISender sender,
        Guid followeeId,
        int batchSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        do
        {
            var batch = await sender.Send(new GetFollowerBatch(followeeId, cursor, batchSize), cancellationToken);
            if (batch.FollowerIds.Count == 0)
            {
                yield break;
            }

            yield return batch.FollowerIds;
            cursor = batch.NextCursor;
        }
        while (cursor is not null);
    }
}
