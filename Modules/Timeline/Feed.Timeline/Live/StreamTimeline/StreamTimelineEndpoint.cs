using System.ComponentModel;
using System.Diagnostics;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Feed.SharedKernel.Auth;
using Feed.SharedKernel.Http;
using Feed.SharedKernel.OpenApi;
using Feed.SharedKernel.Storage;
using Feed.Timeline.Live.StreamToken;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Feed.Timeline.Live.StreamTimeline;

/// <summary>The data of a <c>post-added</c> or <c>post-removed</c> event: which post, and where it sorts.</summary>
internal sealed record LivePostEvent(Guid PostId, DateTimeOffset CreatedOn);

internal static class StreamTimelineEndpoint
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(
                "/api/timeline/stream",
                (
                    [FromQuery(Name = StreamTokens.QueryParameter)][Description("A token of POST /api/timeline/stream-token, for a client that cannot send an Authorization header (a browser's EventSource). A bearer token is not accepted here.")] string? accessToken,
                    ClaimsPrincipal user,
                    HttpContext http,
                    LiveTimelineHub hub,
                    IOptions<LiveOptions> options,
                    IOptions<HttpJsonOptions> json,
                    IHostApplicationLifetime lifetime) => StreamAsync(user.GetUserId(), http, hub, options.Value, json.Value.SerializerOptions, lifetime))
            .RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme, StreamTokens.Scheme)
                .RequireAuthenticatedUser())
            .WithName("StreamTimeline")
            .WithApiTag("Timeline", TimelineModule.TimelineTag)
            .WithSummary("Live updates of the caller's home timeline (Server-Sent Events).")
            .WithDescription(
                "A text/event-stream that stays open. Event 'post-added': a post entered the caller's timeline (fanned out to it, a followed influencer posted, or a new followee's recent posts arrived). " +
                "Event 'post-removed': a post left it (deleted, or its author unfollowed). Both carry only post_id and created_on; read the timeline for the posts. " +
                "Event 'refetch': the stream missed events (the client read too slowly, or the service lost its event bus for a while); read the timeline again. A comment line is sent when the stream is idle, to keep proxies from closing it. " +
                "Authenticate with the Authorization header, or with the access_token query parameter holding a token of POST /api/timeline/stream-token. " +
                "A user holds a limited number of open streams on one instance of the service (Feed:Live:MaxStreamsPerUser); one more is refused with 429 until one closes. " +
                "The stream ends when the caller's sign-in does (a new password ends every token issued before it), checked every heartbeat interval.")
            .Produces<LivePostEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task StreamAsync(Guid readerId, HttpContext http, LiveTimelineHub hub, LiveOptions options, JsonSerializerOptions json, IHostApplicationLifetime lifetime)
    {
        // Ends with the client, or when the host stops (an open stream must not hold up a shutdown).
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = ending.Token;
        if (await hub.ConnectAsync(readerId, cancellationToken) is not { } connection)
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().RefuseAsync(
                http,
                StatusCodes.Status429TooManyRequests,
                $"This user has {options.MaxStreamsPerUser} live streams open already (Feed:Live:MaxStreamsPerUser); close one first.");
            return;
        }

        var signIn = new SignInCheck(http, readerId, options.HeartbeatInterval);
        try
        {
            var response = http.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache, no-transform";
            // nginx buffers responses unless told not to; an event must reach the client when it happens.
            response.Headers["X-Accel-Buffering"] = "no";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await WriteAsync(response, ": connected\n\n", cancellationToken);

            var events = connection.Events;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (signIn.Ended(cancellationToken))
                {
                    break;
                }

                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(options.HeartbeatInterval);
                bool open;
                try
                {
                    open = await events.WaitToReadAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await WriteAsync(response, ": heartbeat\n\n", cancellationToken);
                    continue;
                }

                if (!open)
                {
                    break;
                }

                var text = new StringBuilder();
                while (events.TryRead(out var item))
                {
                    // The refetch marker only wakes the stream; the flag it comes with is read below.
                    if (!ReferenceEquals(item, LiveEvent.Refetch))
                    {
                        text.Append("event: ").Append(item.Type).Append("\ndata: ")
                            .Append(JsonSerializer.Serialize(new LivePostEvent(item.Post.PostId, item.Post.CreatedOn), json)).Append("\n\n");
                    }
                }

                // After the reads: a flag raised before any event or marker read here is seen now.
                if (connection.TakeMissed())
                {
                    text.Insert(0, "event: refetch\ndata: {}\n\n");
                }

                if (text.Length > 0)
                {
                    await WriteAsync(response, text.ToString(), cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left or the host is stopping: the stream simply ends.
        }
        finally
        {
            hub.Disconnect(connection);
            // A check still running uses the request's services: it ends before they do.
            await ending.CancelAsync();
            await signIn.StopAsync();
        }
    }

    /// <summary>
    /// A stream outlives the request that opened it: its sign-in is checked again every heartbeat interval, so a
    /// new password ends it as it ends the user's tokens (within the stamps' memory, Feed:Auth:SecurityStampCacheDuration).
    /// A stream token's short lifetime is for opening only and is not checked again. The check runs beside the
    /// stream, never in its way: a store slow to answer (an outage, its reads retried) would otherwise hold up its
    /// events and heartbeats, and a proxy closes a stream that stays silent. An answer not ready at once is taken at a later wake.
    /// </summary>
    private sealed class SignInCheck(HttpContext http, Guid readerId, TimeSpan interval)
    {
        private readonly string? _stamp = http.User.FindFirstValue(FeedAuthOptions.SecurityStampClaim);
        private long _checkedAt = Stopwatch.GetTimestamp();
        private Task<bool>? _running;

        /// <summary>True once a finished check found the sign-in over; starts the next check when one is due. Never waits.</summary>
        public bool Ended(CancellationToken cancellationToken)
        {
            if (_running is null && Stopwatch.GetElapsedTime(_checkedAt) >= interval)
            {
                _running = EndedAsync(cancellationToken);
            }

            if (_running is not { IsCompleted: true } finished)
            {
                return false;
            }

            _running = null;
            _checkedAt = Stopwatch.GetTimestamp();
            // Rethrows what is not an outage (nor the stream's own end), as an awaited check did.
            return finished.GetAwaiter().GetResult();
        }

        /// <summary>Waits for a check still running (cancelled by the caller) to finish, whatever its outcome.</summary>
        public async Task StopAsync()
        {
            if (_running is { } running)
            {
                await ((Task)running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                // The stream has ended: how its last check failed changes nothing (read, so it is not reported as unobserved).
                _ = running.Exception;
            }
        }

        private async Task<bool> EndedAsync(CancellationToken cancellationToken)
        {
            try
            {
                var sender = http.RequestServices.GetRequiredService<ISender>();
                return !await sender.Send(new IsSignInCurrent(readerId, _stamp), cancellationToken);
            }
            catch (Exception exception) when (StoreFailures.IsOutage(exception))
            {
                // The store is unreachable: the stream stays, and is checked again after the next interval.
                return false;
            }
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
