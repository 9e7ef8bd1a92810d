using System.Collections.Concurrent;
using Feed.SharedKernel.Storage;
using Feed.Users.Contracts;
using Mediator;

namespace Feed.Social.Tests.Handlers;

/// <summary>
/// Stands in for the host's mediator in handler tests: answers <see cref="GetUserSummaries"/> from
/// a fixed set of users, and records what is published in process (Social announces its changes
/// through the outbox; only <see cref="Feed.Social.Contracts.FollowingChanged"/> is published directly).
/// Every user it knows is made by <paramref name="newUser"/>, which registers it where the stores check
/// (they refuse writes of anybody else).
/// </summary>
internal sealed class FakeMediator(Func<Guid> newUser) : ISender, IPublisher
{
    /// <summary>Users registered for the in-memory stores.</summary>
    public FakeMediator(InMemoryRegisteredUsers registered)
        : this(() =>
        {
            var id = Guid.CreateVersion7();
            registered.Add(id);
            return id;
        })
    {
    }

    public ConcurrentQueue<object> Published { get; } = new();

    public ValueTask Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default)
        where TNotification : INotification
    {
        Published.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask Publish(object notification, CancellationToken cancellationToken = default)
    {
        Published.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    private readonly ConcurrentDictionary<Guid, UserSummary> _users = new();

    public int UserQueries { get; private set; }

    public Guid AddUser(string? username = null)
    {
        var id = newUser();
        _users[id] = new UserSummary(id, username ?? $"user_{id:N}", IsInfluencer: false);
        return id;
    }

    public string UsernameOf(Guid id) => _users[id].Username;

    public ValueTask<TResponse> Send<TResponse>(IQuery<TResponse> query, CancellationToken cancellationToken = default)
    {
        if (query is GetUserSummaries lookup)
        {
            UserQueries++;
            IReadOnlyDictionary<Guid, UserSummary> found = lookup.UserIds
                .Where(_users.ContainsKey)
                .Distinct()
                .ToDictionary(id => id, id => _users[id]);
            return ValueTask.FromResult((TResponse)found);
        }

        throw new NotSupportedException($"The fake mediator does not answer {query.GetType().Name}.");
    }

    public ValueTask<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public ValueTask<TResponse> Send<TResponse>(ICommand<TResponse> command, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public ValueTask<object?> Send(object message, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamQuery<TResponse> query, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamRequest<TResponse> request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamCommand<TResponse> command, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public IAsyncEnumerable<object?> CreateStream(object message, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}
