using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Social;

/// <summary>One in-process host per Social test class (xunit needs a fixture with one public constructor).</summary>
public sealed class SocialApiFixture : IAsyncDisposable
{
    public FeedApiFactory Factory { get; } = new();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
