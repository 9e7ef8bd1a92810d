using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Timeline;

/// <summary>One in-process host per Timeline test class (xunit needs a fixture with one public constructor).</summary>
public sealed class TimelineApiFixture : IAsyncDisposable
{
    public FeedApiFactory Factory { get; } = new();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
