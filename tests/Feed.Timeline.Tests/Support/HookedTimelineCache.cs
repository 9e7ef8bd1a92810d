namespace Feed.Timeline.Tests.Support;

/// <summary>A real cache, passed through, that runs a step once just before chosen calls: forces an interleaving.</summary>
internal sealed class HookedTimelineCache(ITimelineCache inner) : ForwardingTimelineCache(inner)
{
    public Func<Task>? BeforeRemovePost { get; set; }

    public Func<Task>? BeforeMarkPulledAuthor { get; set; }

    /// <summary>Runs once before the next drop of any list; a step that throws makes that drop fail.</summary>
    public Func<Task>? BeforeDrop { get; set; }

    public override async ValueTask RemovePostAsync(Guid authorId, Guid postId, CancellationToken cancellationToken)
    {
        await RunOnceAsync(BeforeRemovePost, () => BeforeRemovePost = null);
        await base.RemovePostAsync(authorId, postId, cancellationToken);
    }

    public override async ValueTask MarkPulledAuthorAsync(Guid authorId, CancellationToken cancellationToken)
    {
        await RunOnceAsync(BeforeMarkPulledAuthor, () => BeforeMarkPulledAuthor = null);
        await base.MarkPulledAuthorAsync(authorId, cancellationToken);
    }

    public override async ValueTask DropAsync(CachedList list, IReadOnlyCollection<Guid> ownerIds, CancellationToken cancellationToken)
    {
        await RunOnceAsync(BeforeDrop, () => BeforeDrop = null);
        await base.DropAsync(list, ownerIds, cancellationToken);
    }

    private static async Task RunOnceAsync(Func<Task>? step, Action forget)
    {
        if (step is not null)
        {
            forget();
            await step();
        }
    }
}
