using Feed.Social.Contracts;
using Mediator;

namespace Feed.Social.Tests.Handlers;

/// <summary>
/// Social's announcements travel under stable names: messages stored by one version are delivered by
/// the next, so a name may never change. Each round-trips to an equal notification.
/// </summary>
public sealed class OutboxNamesTests
{
    public static TheoryData<string, INotification> Announcements => new()
    {
        { "social.post_created", new PostCreated(new PostSummary(Guid.NewGuid(), Guid.NewGuid(), "https://cdn.example.com/a.jpg", "image", DateTimeOffset.UnixEpoch.AddMilliseconds(1))) },
        { "social.post_deleted", new PostDeleted(Guid.NewGuid(), Guid.NewGuid()) },
        { "social.user_followed", new UserFollowed(Guid.NewGuid(), Guid.NewGuid(), DateTimeOffset.UnixEpoch.AddDays(1), 3) },
        { "social.user_unfollowed", new UserUnfollowed(Guid.NewGuid(), Guid.NewGuid(), 2) },
    };

    [Theory]
    [MemberData(nameof(Announcements))]
    public void Each_announcement_is_registered_under_its_stable_name(string name, INotification notification)
    {
        using var social = new SocialInMemory(TimeProvider.System);

        var message = social.MessageTypes.Wrap(notification, Guid.NewGuid(), DateTimeOffset.UnixEpoch);

        Assert.Equal(name, message.Type);
        Assert.Equal(notification, social.MessageTypes.Unwrap(message));
    }
}
