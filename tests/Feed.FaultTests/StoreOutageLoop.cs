using System.Collections.Concurrent;
using System.Net;

namespace Feed.FaultTests;

/// <summary>
/// Requests sent in a loop while a store goes down and comes back, the way a well-behaved client
/// sends them: a 503 is waited out for its Retry-After and counted; any other failure is recorded.
/// </summary>
public sealed class StoreOutageLoop
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(2);

    public ConcurrentQueue<Guid> Created { get; } = new();

    /// <summary>Responses that are neither a success nor a 503, and exceptions: what must never happen.</summary>
    public ConcurrentQueue<string> Failures { get; } = new();

    public int Unavailable => _unavailable;

    public int Requests => _requests;

    private int _unavailable;
    private int _requests;

    public async Task PostUntilAsync(HttpClient http, FaultUser author, CancellationToken stop)
    {
        for (var number = 0; !stop.IsCancellationRequested; number++)
        {
            await SendAsync(async () =>
            {
                var (status, postId, retryAfter) = await http.PostAsync(author, number);
                if (postId is { } id)
                {
                    Created.Enqueue(id);
                }

                return (status, retryAfter);
            });
        }
    }

    public async Task ReadUntilAsync(HttpClient http, FaultUser reader, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await SendAsync(async () => ((await http.ReadTimelineAsync(reader)).Status, (TimeSpan?)null));
        }
    }

    private async Task SendAsync(Func<Task<(HttpStatusCode Status, TimeSpan? RetryAfter)>> send)
    {
        Interlocked.Increment(ref _requests);
        try
        {
            var (status, retryAfter) = await send();
            if (status == HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref _unavailable);
                if (retryAfter is null)
                {
                    Failures.Enqueue("a 503 without Retry-After");
                }

                await Task.Delay(retryAfter is { } wait && wait < MaxRetryAfter ? wait : MaxRetryAfter);
            }
            else if ((int)status >= 300)
            {
                Failures.Enqueue($"{(int)status} {status}");
            }
        }
#pragma warning disable CA1031 // Every failure is collected and asserted on, not thrown from the loop.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Failures.Enqueue(exception.GetType().Name + ": " + exception.Message);
        }
    }
}
