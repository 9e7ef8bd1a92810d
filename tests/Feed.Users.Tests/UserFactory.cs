using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Storage;
using Feed.Users.InMemory;

namespace Feed.Users.Tests;

/// <summary>Builds users with unique usernames and emails, so store tests can share one store.</summary>
internal static class UserFactory
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);
    private static int _sequence;

    /// <summary>An in-memory store of its own, with an outbox of its own for the influencer switches it announces.</summary>
    public static InMemoryUserStore NewInMemoryStore() =>
        new(new InMemoryRegisteredUsers(), new InMemoryOutbox(TimeProvider.System, new OutboxSignal()));

    public static string UniqueUsername(string prefix = "u") =>
        $"{prefix}{Interlocked.Increment(ref _sequence)}_{Guid.NewGuid().ToString("N")[..8]}";

    public static User NewUser(string? username = null, string? email = null)
    {
        username ??= UniqueUsername();
        var createdOn = Start.AddMilliseconds(Interlocked.Increment(ref _sequence));
        return new User(
            Guid.CreateVersion7(createdOn),
            username,
            "Ada",
            "Lovelace",
            email ?? $"{username}@example.com",
            "hash-of-" + username,
            "London",
            "+44 20 7946 0000",
            36,
            IsInfluencer: false,
            createdOn,
            createdOn)
        {
            SecurityStamp = User.NewSecurityStamp(),
        };
    }
}
