namespace Feed.Timeline.Tests.Support;

/// <summary>Stores, passed through, that run a step once right after chosen writes: forces an interleaving.</summary>
internal sealed class SteppingStore(TimelineStores inner) : ForwardingTimelineStore(inner)
{
    public Func<Task>? AfterRemovePost { get; set; }

    public override async ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken)
    {
        await base.RemovePostAsync(authorId, postId, cancellationToken);
        if (AfterRemovePost is { } step)
        {
            AfterRemovePost = null;
            await step();
        }
    }
}
