using Mediator;
using Polly;
using Polly.Retry;

namespace Feed.SharedKernel.Storage;

/// <summary>
/// Runs a request again when the store had a short outage (a PostgreSQL restart, a dropped pooled
/// connection): a read after any outage, a write only when the failed statement cannot have run
/// (<see cref="StoreFailures.NothingWasDone"/>), so a retry never repeats a write that committed.
/// What is still failing after the retries becomes a 503 (<c>ProblemExceptionHandler</c>).
/// </summary>
public sealed class StoreRetryBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (StoreRetryScope.Active.Value)
        {
            return await next(message, cancellationToken);
        }

        var pipeline = message is IBaseQuery ? StoreRetry.Reads : StoreRetry.Writes;
        return await pipeline.ExecuteAsync(
            static async (state, token) =>
            {
                StoreRetryScope.Active.Value = true;
                return await state.next(state.message, token);
            },
            (next, message),
            cancellationToken);
    }
}

/// <summary>
/// The retries of <see cref="StoreRetryBehavior{TMessage, TResponse}"/>, for a store read made outside
/// the mediator (the token check, which runs before any handler).
/// </summary>
public static class StoreRetry
{
    // About three seconds in all (0.2 + 0.4 + 0.8 + 1.6 s, with jitter): a PostgreSQL restart here
    // takes one to two; a longer outage is a 503 the client can retry after Retry-After.

    /// <summary>Retries after any outage: for reads, which change nothing.</summary>
    public static readonly ResiliencePipeline Reads = Pipeline(StoreFailures.IsOutage);

    /// <summary>Retries only when the failed statement cannot have run.</summary>
    public static readonly ResiliencePipeline Writes = Pipeline(StoreFailures.NothingWasDone);

    private static ResiliencePipeline Pipeline(Func<Exception, bool> retryable) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = arguments => ValueTask.FromResult(arguments.Outcome.Exception is { } exception && retryable(exception)),
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
}

/// <summary>
/// Set while a request runs under <see cref="StoreRetryBehavior{TMessage, TResponse}"/>: a request its
/// handler sends is not retried on its own, or retries would multiply. Not generic, so it is one flag
/// for every request type.
/// </summary>
internal static class StoreRetryScope
{
    public static readonly AsyncLocal<bool> Active = new();
}
