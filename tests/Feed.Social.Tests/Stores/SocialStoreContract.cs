using Feed.SharedKernel.Outbox;

namespace Feed.Social.Tests.Stores;

/// <summary>
/// What the Social store contracts share: the outbox each adapter writes its announcements to, and
/// users that exist (stores refuse writes of anybody else).
/// </summary>
public abstract class SocialStoreContract
{
    protected static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The message with this id in the outbox the store writes to, or null.</summary>
    private protected abstract ValueTask<OutboxMessage?> FindAnnouncementAsync(Guid messageId);

    /// <summary>Makes <paramref name="userId"/> a user that exists, as the Users module registers one: stores refuse writes of anybody else.</summary>
    private protected abstract void Register(Guid userId);

    private protected Guid NewUser()
    {
        var userId = Guid.NewGuid();
        Register(userId);
        return userId;
    }
}
