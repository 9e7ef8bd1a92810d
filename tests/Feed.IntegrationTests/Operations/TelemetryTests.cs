using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Feed.IntegrationTests.Infrastructure;
using Feed.Testing;

namespace Feed.IntegrationTests.Operations;

/// <summary>
/// The service's own metrics at <c>/metrics</c> (Prometheus text), without user data in them; spans
/// for the request, its mediator request and the later fan-out, linked although the fan-out runs from
/// the outbox in a trace of its own. (Exact counts are checked by a real Prometheus in
/// <c>tests/Feed.FaultTests/PrometheusTests</c>, on a process of their own: here other hosts of the
/// suite share the process and its meter listeners.)
/// </summary>
public sealed class TelemetryTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_name_fan_out_reads_and_the_outbox_and_carry_no_user_data()
    {
        var author = await api.RegisterAsync();
        var reader = await api.RegisterAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await reader.Http.PostAsync(new Uri($"/api/users/{author.UserId}/follow", UriKind.Relative), null, Ct)).StatusCode);
        await reader.Http.GetAsync(new Uri("/api/timeline", UriKind.Relative), Ct);
        var post = await author.Http.PostAsJsonAsync("/api/posts", new { post_url = "https://images.example.com/m.jpg", post_type = "image" }, Ct);
        var postId = (await post.ReadJsonAsync())["post_id"]!.GetValue<string>();
        await author.SettledAsync();
        await reader.Http.GetAsync(new Uri("/api/timeline", UriKind.Relative), Ct);

        string metrics = string.Empty;
        await Patience.UntilAsync(
            async () =>
            {
                metrics = await api.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
                return metrics.Contains("feed_fanout_entries_total", StringComparison.Ordinal)
                    && metrics.Contains("feed_timeline_reads_total{", StringComparison.Ordinal)
                    && metrics.Contains("feed_outbox_pending", StringComparison.Ordinal);
            },
            "the service's metrics at /metrics",
            Ct);

        Assert.Contains("# TYPE feed_fanout_duration_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE feed_timeline_read_duration_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("feed_outbox_oldest_age_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        foreach (var userData in new[] { author.UserId.ToString(), reader.UserId.ToString(), postId, author.Username, reader.Username, "@example.com" })
        {
            Assert.DoesNotContain(userData, metrics, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_setting_moves_the_metrics_endpoint_and_another_turns_it_off()
    {
        await using (var moved = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Telemetry:PrometheusPath"] = "/ops/metrics" }))
        {
            var client = moved.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/ops/metrics", UriKind.Relative), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/metrics", UriKind.Relative), Ct)).StatusCode);
        }

        await using var off = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Telemetry:PrometheusEnabled"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, (await off.CreateClient().GetAsync(new Uri("/metrics", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task A_post_s_fan_out_runs_in_spans_linked_to_the_request_that_made_the_post()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Feed" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var author = await api.RegisterAsync();
        var follower = await api.RegisterAsync();
        await follower.Http.PostAsync(new Uri($"/api/users/{author.UserId}/follow", UriKind.Relative), null, Ct);
        await follower.Http.GetAsync(new Uri("/api/timeline", UriKind.Relative), Ct);
        await author.SettledAsync();

        // The client's trace: every span of the request carries its trace id.
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts")
        {
            Content = JsonContent.Create(new { post_url = "https://images.example.com/t.jpg", post_type = "image" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.Created, (await author.Http.SendAsync(request, Ct)).StatusCode);
        await author.SettledAsync();

        Activity? delivery = null;
        await Patience.UntilAsync(
            () =>
            {
                delivery = spans.FirstOrDefault(span => span.DisplayName == "outbox deliver social.post_created" && span.Links.Any(link => link.Context.TraceId == traceId));
                return Task.FromResult(delivery is not null);
            },
            "the delivery span linked to the post's request",
            Ct);

        Assert.Contains(spans, span => span.Source.Name == "Microsoft.AspNetCore" && span.TraceId == traceId);
        Assert.Contains(spans, span => span.DisplayName == "mediator CreatePost" && span.TraceId == traceId);
        Assert.NotEqual(traceId, delivery!.TraceId);
        Assert.Contains(spans, span => span.DisplayName.StartsWith("notification PostCreated ", StringComparison.Ordinal) && span.TraceId == delivery.TraceId);
        var batch = Assert.Single(spans, span => span.DisplayName == "fan-out batch" && span.TraceId == delivery.TraceId);
        Assert.Equal(1, batch.GetTagItem("feed.fanout.entries"));
    }
}
