using System.Collections.Concurrent;
using Mediator;

namespace Feed.Testing;

/// <summary>
/// Stands in for the host's mediator in handler tests: answers the queries a test taught it
/// (<see cref="Answer{TQuery, TResponse}"/>), records what is published in process, and refuses
/// anything else, so a handler that starts sending something new fails loudly.
/// </summary>
public class FakeMediator : ISender, IPublisher
{
    private readonly ConcurrentDictionary<Type, Func<object, object>> _answers = new();

    public ConcurrentQueue<object> Published { get; } = new();

    /// <summary>Answers every <typeparamref name="TQuery"/> sent from now on with <paramref name="answer"/>.</summary>
    public void Answer<TQuery, TResponse>(Func<TQuery, TResponse> answer)
        where TQuery : IQuery<TResponse>
        where TResponse : notnull =>
        _answers[typeof(TQuery)] = query => answer((TQuery)query);

    public ValueTask<TResponse> Send<TResponse>(IQuery<TResponse> query, CancellationToken cancellationToken = default) =>
        _answers.TryGetValue(query.GetType(), out var answer)
            ? ValueTask.FromResult((TResponse)answer(query))
            : throw new NotSupportedException($"The fake mediator does not answer {query.GetType().Name}.");

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
