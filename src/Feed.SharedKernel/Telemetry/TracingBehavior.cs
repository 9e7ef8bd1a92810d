using System.Diagnostics;
using Mediator;

namespace Feed.SharedKernel.Telemetry;

/// <summary>One span per mediator request (command or query), named after the request's type.</summary>
public sealed class TracingBehavior<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    // Built once per closed type: a span name is not formatted on every request.
    private static readonly string SpanName = "mediator " + typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        using var activity = FeedTelemetry.Source.StartActivity(SpanName);
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }
}
