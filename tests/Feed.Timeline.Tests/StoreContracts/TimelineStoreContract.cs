using Feed.Testing;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.StoreContracts;

/// <summary>
/// What the store contracts share: the stores under test (fresh for the in-memory adapters, one
/// database for PostgreSQL: every test writes under ids of its own) and the posts they write.
/// </summary>
public abstract class TimelineStoreContract
{
    private protected static readonly DateTimeOffset Epoch = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private protected static readonly DateTimeOffset ReadEpoch = new(2025, 4, 1, 9, 0, 0, TimeSpan.Zero);

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One adapter of each port, of the technology under test; a contract may need a neighbour port to set up or to look.</summary>
    private protected abstract TimelineStores CreateStores();

    private protected static TimelinePost Post(Guid authorId, long millis, Guid? postId = null) =>
        new(postId ?? Guid.NewGuid(), authorId, $"https://cdn.example/{Guid.NewGuid():N}.jpg", "image", Epoch.AddMilliseconds(millis));

    /// <summary>Ids sharing one millisecond, listed in page order (descending id).</summary>
    private protected static Guid[] TiedIds(int count) =>
        Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).OrderDescending().ToArray();

    private protected static List<Guid> TimelineWorldOrder(IEnumerable<TimelinePost> posts) =>
        PageOrder.NewestFirst(posts, post => post.CreatedOn, post => post.PostId).Select(post => post.PostId).ToList();
}
