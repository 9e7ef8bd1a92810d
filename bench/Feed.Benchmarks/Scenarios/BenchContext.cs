using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Feed.Demo.Graph;
using Feed.Benchmarks.Hosting;
using Feed.Benchmarks.Load;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace Feed.Benchmarks.Scenarios;

/// <summary>A post the API accepted: its id and key, when it was sent and when the 201 came back (Stopwatch ticks).</summary>
internal readonly record struct CreatedPost(Guid PostId, DateTimeOffset CreatedOn, long SentAt, long AcceptedAt)
{
    public double PostMs => Stopwatch.GetElapsedTime(SentAt, AcceptedAt).TotalMilliseconds;
}

/// <summary>What every scenario shares: the settings, the seeded graph, the API and the servers behind it.</summary>
internal sealed class BenchContext(
    BenchmarkSettings settings,
    SocialGraph graph,
    HostProcess api,
    NpgsqlDataSource database,
    IConnectionMultiplexer redis,
    AccessTokens tokens,
    IReadOnlyDictionary<string, string> hostEnvironment,
    TextWriter log) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly HttpClient _client = new() { BaseAddress = api.Address, Timeout = TimeSpan.FromMinutes(2) };
    private readonly CpuMeter _cpu = NewCpuMeter(api);
    private int _postNumber;

    public BenchmarkSettings Settings { get; } = settings;

    public SocialGraph Graph { get; } = graph;

    public HostProcess Api { get; } = api;

    public NpgsqlDataSource Database { get; } = database;

    public IConnectionMultiplexer Redis { get; } = redis;

    /// <summary>The environment both hosts (API and baseline) run with.</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; } = hostEnvironment;

    public TextWriter Log { get; } = log;

    /// <summary>CPU of the API ("api"), PostgreSQL, Redis and this process ("client"); null where /proc is missing.</summary>
    public CpuMeter? Cpu => CpuMeter.Available ? _cpu : null;

    public AuthenticationHeaderValue Bearer(int user) =>
        new("Bearer", tokens.For(Graph.UserIds[user], SocialGraph.Username(user)));

    /// <summary>POST /api/posts as <paramref name="author"/>.</summary>
    public async Task<CreatedPost> PostAsync(int author, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _postNumber);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/posts", UriKind.Relative))
        {
            Content = JsonContent.Create(new { post_url = $"https://images.example.com/bench/run-{number}.jpg", post_type = "image" }),
        };
        request.Headers.Authorization = Bearer(author);
        var sent = Stopwatch.GetTimestamp();
        using var response = await _client.SendAsync(request, cancellationToken);
        var accepted = Stopwatch.GetTimestamp();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /api/posts answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var body = await response.Content.ReadFromJsonAsync<PostBody>(Json, cancellationToken)
            ?? throw new InvalidOperationException("POST /api/posts answered no body.");
        return new CreatedPost(body.PostId, body.CreatedOn, sent, accepted);
    }

    /// <summary>POST /api/users/{followee}/follow as <paramref name="follower"/>.</summary>
    public Task FollowAsync(int follower, int followee, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"/api/users/{Graph.UserIds[followee]}/follow", follower, cancellationToken);

    /// <summary>DELETE /api/users/{followee}/follow as <paramref name="follower"/>.</summary>
    public Task UnfollowAsync(int follower, int followee, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"/api/users/{Graph.UserIds[followee]}/follow", follower, cancellationToken);

    /// <summary>DELETE /api/posts/{postId} as its <paramref name="author"/>.</summary>
    public Task DeletePostAsync(int author, Guid postId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"/api/posts/{postId}", author, cancellationToken);

    /// <summary>GET /api/timeline as <paramref name="reader"/>: the page's post ids, newest first.</summary>
    public Task<IReadOnlyList<Guid>> ReadTimelineAsync(int reader, int limit, CancellationToken cancellationToken) =>
        ReadTimelineAsync(_client, reader, limit, cancellationToken);

    /// <summary>GET /api/timeline as <paramref name="reader"/> from the API behind <paramref name="api"/> (another API process).</summary>
    public async Task<IReadOnlyList<Guid>> ReadTimelineAsync(HttpClient api, int reader, int limit, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/timeline?limit={limit}", UriKind.Relative));
        request.Headers.Authorization = Bearer(reader);
        using var response = await api.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /api/timeline answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var page = await response.Content.ReadFromJsonAsync<TimelineBody>(Json, cancellationToken)
            ?? throw new InvalidOperationException("GET /api/timeline answered no body.");
        return [.. page.Items.Select(item => item.PostId)];
    }

    /// <summary>
    /// Watches delivery after a post: polls (every ~5 ms, one round trip) whether the outbox is empty,
    /// i.e. every handler of every announcement has finished, and, when <paramref name="firstRow"/>
    /// is given, when that timeline row appeared. Returns both instants (Stopwatch ticks).
    /// </summary>
    public async Task<(long? FirstRowAt, long DeliveredAt)> WaitForDeliveryAsync(
        (Guid UserId, CreatedPost Post)? firstRow, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenConnectionAsync(cancellationToken);
        await using var poll = new NpgsqlCommand(
            """
            SELECT EXISTS (SELECT 1 FROM timeline WHERE user_id = $1 AND created_on = $2 AND post_id = $3),
                   NOT EXISTS (SELECT 1 FROM outbox)
            """,
            connection);
        var (userId, post) = firstRow ?? (Guid.Empty, default);
        poll.Parameters.Add(new NpgsqlParameter { Value = userId, NpgsqlDbType = NpgsqlDbType.Uuid });
        poll.Parameters.Add(new NpgsqlParameter { Value = post.CreatedOn.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        poll.Parameters.Add(new NpgsqlParameter { Value = post.PostId, NpgsqlDbType = NpgsqlDbType.Uuid });
        await poll.PrepareAsync(cancellationToken);

        long? firstRowAt = null;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            await using (var reader = await poll.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                var now = Stopwatch.GetTimestamp();
                if (firstRow is not null && firstRowAt is null && reader.GetBoolean(0))
                {
                    firstRowAt = now;
                }

                if (reader.GetBoolean(1))
                {
                    return (firstRow is null ? null : firstRowAt ?? now, now);
                }
            }

            await Task.Delay(5, cancellationToken);
        }

        throw new TimeoutException($"The outbox was not empty after {timeout}: delivery did not finish (see the API log).");
    }

    public void Dispose() => _client.Dispose();

    /// <summary>A write with no body, as <paramref name="user"/>; anything but 2xx throws.</summary>
    private async Task SendAsync(HttpMethod method, string path, int user, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = Bearer(user);
        using var response = await _client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static CpuMeter NewCpuMeter(HostProcess api)
    {
        var meter = new CpuMeter();
        meter.Add("api", api.ProcessId);
        return meter;
    }

    private sealed record PostBody(Guid PostId, DateTimeOffset CreatedOn);

    private sealed record TimelineBody(IReadOnlyList<TimelineItemBody> Items, string? NextCursor);

    private sealed record TimelineItemBody(Guid PostId, Guid UserId);
}
