namespace Feed.Timeline.Tests;

public sealed class PlaceholderBuildsTests
{
    [Fact]
    public void Cursor_round_trips() => Assert.True(true);
}
