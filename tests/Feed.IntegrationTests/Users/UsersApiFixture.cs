using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Users;

/// <summary>
/// One in-process host per test class. xunit needs a fixture with a single public constructor,
/// which <see cref="FeedApiFactory"/> (two constructors) does not have, so this holds it.
/// </summary>
public sealed class UsersApiFixture : IAsyncDisposable
{
    public FeedApiFactory Factory { get; } = new();

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
