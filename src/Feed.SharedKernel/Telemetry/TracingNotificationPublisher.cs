using System.Diagnostics;
using Mediator;

namespace Feed.SharedKernel.Telemetry;

/// <summary>
/// Publishes a notification to its handlers one after the other, as the default publisher does, with
/// one span per handler: which module's handler failed or took the time is visible in a trace.
/// </summary>
public sealed class TracingNotificationPublisher : INotificationPublisher
{
    public async ValueTask Publish<TNotification>(NotificationHandlers<TNotification> handlers, TNotification notification, CancellationToken cancellationToken)
        where TNotification : INotification
    {
        foreach (var handler in handlers)
        {
            using var activity = FeedTelemetry.Source.StartActivity($"notification {typeof(TNotification).Name} {handler.GetType().Name}");
            try
            {
                await handler.Handle(notification, cancellationToken);
            }
            catch (Exception exception) when (activity is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                throw;
            }
        }
    }
}
