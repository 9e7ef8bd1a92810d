using System.Diagnostics;

namespace Feed.SharedKernel.Telemetry;

/// <summary>
/// The names under which the service's own telemetry is published: one <c>Meter</c> and one
/// <see cref="ActivitySource"/>, both named <c>Feed</c>. Each module records its instruments on a meter
/// of this name taken from <c>IMeterFactory</c> (one shared meter per host); the host only subscribes.
/// </summary>
public static class FeedTelemetry
{
    public const string Name = "Feed";

    /// <summary>Spans of mediator handlers, outbox deliveries and fan-out batches.</summary>
    public static ActivitySource Source { get; } = new(Name);
}
