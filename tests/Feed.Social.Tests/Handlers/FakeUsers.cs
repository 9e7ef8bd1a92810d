using System.Collections.Concurrent;
using Feed.SharedKernel.Storage;
using Feed.Testing;
using Feed.Users.Contracts;

namespace Feed.Social.Tests.Handlers;

/// <summary>
/// The host's mediator with the Users module behind it, for handler tests: answers
/// <see cref="GetUserSummaries"/> from a fixed set of users, and records what is published in process
/// (Social announces its changes through the outbox; only <see cref="Feed.Social.Contracts.FollowingChanged"/>
/// is published directly). Every user it knows is made by <paramref name="newUser"/>, which registers
/// it where the stores check (they refuse writes of anybody else).
/// </summary>
internal sealed class FakeUsers : FakeMediator
{
    private readonly Func<Guid> _newUser;
    private readonly ConcurrentDictionary<Guid, UserSummary> _users = new();
    private int _userQueries;

    public FakeUsers(Func<Guid> newUser)
    {
        _newUser = newUser;
        Answer<GetUserSummaries, IReadOnlyDictionary<Guid, UserSummary>>(lookup =>
        {
            Interlocked.Increment(ref _userQueries);
            return lookup.UserIds.Where(_users.ContainsKey).Distinct().ToDictionary(id => id, id => _users[id]);
        });
    }

    /// <summary>Users registered for the in-memory stores.</summary>
    public FakeUsers(InMemoryRegisteredUsers registered)
        : this(() =>
        {
            var id = Guid.CreateVersion7();
            registered.Add(id);
            return id;
        })
    {
    }

    public int UserQueries => Volatile.Read(ref _userQueries);

    public Guid AddUser(string? username = null)
    {
        var id = _newUser();
        _users[id] = new UserSummary(id, username ?? $"user_{id:N}", IsInfluencer: false);
        return id;
    }

    public string UsernameOf(Guid id) => _users[id].Username;
}
