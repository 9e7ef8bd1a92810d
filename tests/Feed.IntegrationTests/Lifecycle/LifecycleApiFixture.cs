using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Lifecycle;

/// <summary>One in-process host per lifecycle test class (on the suite's stores, influencer threshold 3).</summary>
public sealed class LifecycleApiFixture : IAsyncDisposable
{
    public FeedApiFactory Factory { get; } = new();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
