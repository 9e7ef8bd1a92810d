namespace Feed.Benchmarks.Scenarios;

// Placeholder until the Redis timeline cache is merged from main.
internal sealed class TimelineCacheWarmer(BenchContext context, string keyPrefix)
{
    public BenchContext Context { get; } = context;

    public string KeyPrefix { get; } = keyPrefix;

    public Task<TimeSpan> WarmTimelinesAsync(Guid[] users, CancellationToken cancellationToken) => Task.FromResult(TimeSpan.FromTicks(users.Length + KeyPrefix.Length + Context.Graph.UserCount));

    public Task<int> CheckNewestAsync(Guid[] users, Guid postId, CancellationToken cancellationToken) => Task.FromResult(users.Length + postId.GetHashCode() + KeyPrefix.Length);
}
