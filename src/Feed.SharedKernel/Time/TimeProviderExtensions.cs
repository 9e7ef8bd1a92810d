namespace Feed.SharedKernel.Time;

public static class TimeProviderExtensions
{
    /// <summary>
    /// Now, truncated to whole milliseconds: the precision every store keeps (PostgreSQL keeps
    /// microseconds, Redis scores keep milliseconds), so a value reads back exactly as written.
    /// </summary>
    public static DateTimeOffset GetUtcNowMilliseconds(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
    }

    /// <summary>A time-ordered (version 7) id stamped with the provider's clock.</summary>
    public static Guid NewId(this TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow());
}
