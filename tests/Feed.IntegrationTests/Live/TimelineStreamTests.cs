using System.Net;
using System.Net.Http.Json;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Timeline;
using Feed.Testing;
using Feed.Users.Contracts;
using Mediator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.IntegrationTests.Live;

/// <summary>
/// <c>GET /api/timeline/stream</c>: a reader's open stream hears of every post that enters or leaves
/// their timeline (fan-out, a followed influencer's post, a follow's backfill; a delete, an unfollow),
/// each event naming only the post's id and time, after the change can be read.
/// </summary>
public sealed class TimelineStreamTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_followed_author_s_post_arrives_on_the_stream_with_only_its_id_and_time_and_leaves_when_deleted()
    {
        var reader = await api.RegisterAsync();
        var author = await api.RegisterAsync();
        await reader.FollowAsync(author);
        await api.WhenOutboxIdleAsync();
        await using var stream = await reader.OpenStreamAsync();

        var post = await author.CreatePostAsync();
        var added = await stream.NextEventAsync();

        Assert.Equal("post-added", added.Type);
        Assert.Equal(["created_on", "post_id"], added.Data.Select(field => field.Key).Order());
        Assert.Equal(post["post_id"]!.GetValue<string>(), added.PostId);
        Assert.Equal(post["created_on"]!.GetValue<DateTimeOffset>(), added.Data["created_on"]!.GetValue<DateTimeOffset>());
        // Sent after the fan-out: the post is already in the timeline when the event arrives.
        Assert.Contains((await reader.ReadTimelinePageAsync()).Items, item => item["post_id"]!.GetValue<string>() == added.PostId);

        var deleted = await author.Http.DeleteAsync(new Uri($"/api/posts/{added.PostId}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var removed = await stream.NextEventAsync();
        Assert.Equal(("post-removed", added.PostId), (removed.Type, removed.PostId));
    }

    [Fact]
    public async Task A_followed_influencer_s_pulled_post_arrives_on_the_stream()
    {
        var influencer = await api.RegisterAsync();
        var reader = await api.RegisterAsync();
        await reader.FollowAsync(influencer);
        foreach (var _ in Enumerable.Range(0, 3))
        {
            await (await api.RegisterAsync()).FollowAsync(influencer); // the suite's threshold is 3
        }

        await api.WhenOutboxIdleAsync();
        Assert.True(await api.IsInfluencerAsync(influencer));
        await using var stream = await reader.OpenStreamAsync();

        var post = await influencer.CreatePostAsync();

        var added = await stream.NextEventAsync();
        Assert.Equal(("post-added", post["post_id"]!.GetValue<string>()), (added.Type, added.PostId));
    }

    [Fact]
    public async Task Following_brings_the_followee_s_recent_posts_and_unfollowing_takes_them_away()
    {
        var reader = await api.RegisterAsync();
        var author = await api.RegisterAsync();
        var posts = new[] { await author.CreatePostAsync(), await author.CreatePostAsync() }.Select(post => post["post_id"]!.GetValue<string>()).ToHashSet();
        await api.WhenOutboxIdleAsync();
        await using var stream = await reader.OpenStreamAsync();

        await reader.FollowAsync(author);
        var arrived = new[] { await stream.NextEventAsync(), await stream.NextEventAsync() };
        Assert.All(arrived, item => Assert.Equal("post-added", item.Type));
        Assert.Equal(posts, arrived.Select(item => item.PostId).ToHashSet());

        // A post after the follow reaches the stream too: it learnt whom the reader follows now.
        var later = await author.CreatePostAsync();
        Assert.Equal(later["post_id"]!.GetValue<string>(), (await stream.NextEventAsync()).PostId);
        posts.Add(later["post_id"]!.GetValue<string>());

        await reader.UnfollowAsync(author);
        var left = new[] { await stream.NextEventAsync(), await stream.NextEventAsync(), await stream.NextEventAsync() };
        Assert.All(left, item => Assert.Equal("post-removed", item.Type));
        Assert.Equal(posts, left.Select(item => item.PostId).ToHashSet());
    }

    [Fact]
    public async Task The_stream_takes_a_bearer_header_or_a_stream_token_in_the_query_and_nothing_else()
    {
        var reader = await api.RegisterAsync();
        var anonymous = api.CreateClient();
        var bearer = reader.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var streamToken = await reader.StreamTokenAsync();

        await using (var withHeader = await TimelineEventReader.OpenAsync(reader.Http))
        {
            Assert.Equal("text/event-stream", withHeader.Response.Content.Headers.ContentType?.MediaType);
        }

        await using (await TimelineEventReader.OpenAsync(anonymous, "?access_token=" + streamToken))
        {
        }

        await (await anonymous.GetAsync(new Uri("/api/timeline/stream", UriKind.Relative), Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // A bearer token is never read from a URL, and a stream token opens the stream only.
        await (await anonymous.GetAsync(new Uri("/api/timeline/stream?access_token=" + bearer, UriKind.Relative), Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.WithBearer(streamToken).GetTimelineAsync()).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsync(new Uri("/api/timeline/stream-token", UriKind.Relative), null, Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_stream_token_opens_no_stream_after_its_user_changes_password()
    {
        var reader = await api.RegisterAsync();
        var streamToken = await reader.StreamTokenAsync();

        (await reader.Http.PatchAsJsonAsync("/api/users/me", new { password = "a brand new password", current_password = Users.UsersApi.Password }, Ct)).EnsureSuccessStatusCode();

        await (await api.CreateClient().GetAsync(new Uri("/api/timeline/stream?access_token=" + streamToken, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_open_stream_ends_once_its_user_changes_password_and_another_user_s_goes_on()
    {
        // The sign-in is checked again every heartbeat interval: a new password ends every token issued before
        // it, and so the streams those opened (by a bearer header or a stream token alike).
        await using var host = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Live:HeartbeatInterval"] = "00:00:01" });
        var reader = await host.RegisterAsync();
        var other = await host.RegisterAsync();
        await using var byBearer = await reader.OpenStreamAsync();
        await using var byStreamToken = await TimelineEventReader.OpenAsync(host.CreateClient(), "?access_token=" + await reader.StreamTokenAsync());
        await using var othersStream = await other.OpenStreamAsync();

        (await reader.Http.PatchAsJsonAsync("/api/users/me", new { password = "a brand new password", current_password = Users.UsersApi.Password }, Ct)).EnsureSuccessStatusCode();

        await byBearer.UntilEndedAsync();
        await byStreamToken.UntilEndedAsync();
        // Two heartbeats later the other user's stream has passed at least one more check, and is still open.
        Assert.Equal(["heartbeat", "heartbeat"], [await othersStream.NextCommentAsync(), await othersStream.NextCommentAsync()]);
    }

    [Fact]
    public async Task An_idle_stream_sends_heartbeat_comments()
    {
        await using var host = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Live:HeartbeatInterval"] = "00:00:01" });
        var reader = await host.RegisterAsync();
        await using var stream = await reader.OpenStreamAsync();

        Assert.Equal("heartbeat", await stream.NextCommentAsync());
    }

    /// <summary>
    /// The sign-in check must not stall the stream it checks: a store slow to answer (PostgreSQL unreachable, its
    /// reads retried for seconds, or connections timing out) held up every event and heartbeat behind it, and a
    /// proxy closes a stream that stays silent past its read timeout.
    /// </summary>
    [Fact]
    public async Task A_sign_in_check_that_does_not_answer_holds_up_neither_heartbeats_nor_events()
    {
        await using var settings = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Live:HeartbeatInterval"] = "00:00:01" });
        await using var host = settings.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IPipelineBehavior<IsSignInCurrent, bool>, UnansweredSignInChecks>()));
        var reader = await SignedInAsync(host);
        var author = await SignedInAsync(host);
        await reader.FollowAsync(author);
        await host.WhenOutboxIdleAsync();
        await using var stream = await TimelineEventReader.OpenAsync(reader.Http);

        // Each heartbeat (one a second) starts a check that never answers: the stream goes on regardless.
        for (var beat = 0; beat < 3; beat++)
        {
            Assert.Equal("heartbeat", await stream.NextCommentAsync().WaitAsync(TimeSpan.FromSeconds(10), Ct));
        }

        await author.CreatePostAsync();
        Assert.Equal("post-added", (await stream.NextEventAsync().WaitAsync(TimeSpan.FromSeconds(10), Ct)).Type);
    }

    private static async Task<FeedUser> SignedInAsync(WebApplicationFactory<Program> host)
    {
        var registration = Users.UsersApi.Registration();
        var registered = await (await host.CreateClient().PostAsJsonAsync("/api/users", registration, Ct)).ReadJsonAsync();
        var token = await (await host.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = registration["username"], password = Users.UsersApi.Password }, Ct)).ReadJsonAsync();
        var http = host.CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token["access_token"]!.GetValue<string>());
        return new FeedUser(Guid.Parse(registered["user_id"]!.GetValue<string>()), (string)registration["username"]!, http);
    }

    /// <summary>A store that takes connections but never answers: the check waits until the stream ends.</summary>
    private sealed class UnansweredSignInChecks : IPipelineBehavior<IsSignInCurrent, bool>
    {
        public async ValueTask<bool> Handle(IsSignInCurrent message, MessageHandlerDelegate<IsSignInCurrent, bool> next, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return true;
        }
    }

    [Fact]
    public async Task One_user_holds_at_most_the_configured_number_of_open_streams()
    {
        await using var host = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Live:MaxStreamsPerUser"] = "2" });
        var reader = await host.RegisterAsync();
        var other = await host.RegisterAsync();
        var first = await TimelineEventReader.OpenAsync(reader.Http);
        await using var second = await TimelineEventReader.OpenAsync(reader.Http);

        using var refused = await reader.Http.GetAsync(new Uri("/api/timeline/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        await using (await TimelineEventReader.OpenAsync(other.Http))
        {
        }

        // A stream that ends gives its place back.
        await first.DisposeAsync();
        await Patience.UntilAsync(
            async () =>
            {
                using var response = await reader.Http.GetAsync(new Uri("/api/timeline/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Ct);
                return response.StatusCode == HttpStatusCode.OK;
            },
            "the closed stream's place",
            Ct);
    }

    [Fact]
    public async Task Stream_tokens_are_rate_limited_per_user()
    {
        await using var host = FeedApiFactory.WithSettings(new Dictionary<string, string?>
        {
            ["Feed:RateLimits:Enabled"] = "true",
            ["Feed:RateLimits:StreamTokenBurst"] = "1",
            ["Feed:RateLimits:StreamTokenPerMinute"] = "1",
            ["Feed:RateLimits:RegistrationBurst"] = "100",
            ["Feed:RateLimits:TokenBurst"] = "100",
        });
        var first = await host.RegisterAsync();
        var second = await host.RegisterAsync();
        await first.StreamTokenAsync();

        var refused = await first.Http.PostAsync(new Uri("/api/timeline/stream-token", UriKind.Relative), null, Ct);
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
        await second.StreamTokenAsync();
    }
}
