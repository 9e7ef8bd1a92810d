using System.Text;
using System.Text.Json.Nodes;
using Feed.Testing;

namespace Feed.IntegrationTests.Live;

/// <summary>One Server-Sent Event as a client parses it.</summary>
public sealed record StreamEvent(string Type, JsonObject Data)
{
    public string PostId => Data["post_id"]!.GetValue<string>();
}

/// <summary>An open <c>GET /api/timeline/stream</c>, read as a browser would: lines, comments, events.</summary>
public sealed class TimelineEventReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private TimelineEventReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Comment lines seen so far (without the leading colon).</summary>
    public List<string> Comments { get; } = [];

    /// <summary>Opens the stream; returns once its first comment arrived, so events from now on reach it.</summary>
    public static async Task<TimelineEventReader> OpenAsync(HttpClient http, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/timeline/stream" + query, UriKind.Relative));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var stream = new TimelineEventReader(response, new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken), Encoding.UTF8));
        await stream.NextCommentAsync();
        return stream;
    }

    public async Task<StreamEvent> NextEventAsync()
    {
        while (true)
        {
            var block = await NextBlockAsync();
            var type = block.FirstOrDefault(line => line.StartsWith("event: ", StringComparison.Ordinal))?["event: ".Length..];
            var data = block.FirstOrDefault(line => line.StartsWith("data: ", StringComparison.Ordinal))?["data: ".Length..];
            if (type is not null)
            {
                return new StreamEvent(type, (JsonNode.Parse(data ?? "{}") as JsonObject)!);
            }
        }
    }

    public async Task<string> NextCommentAsync()
    {
        while (true)
        {
            var block = await NextBlockAsync();
            if (block.All(line => line.StartsWith(':')))
            {
                return block[0][1..].Trim();
            }

            throw new InvalidOperationException("Expected a comment, got an event: " + string.Join(" | ", block));
        }
    }

    /// <summary>Reads on until the service ends the stream; fails after <see cref="Patience.Timeout"/>.</summary>
    public async Task UntilEndedAsync()
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience.Timeout);
        while (await _reader.ReadLineAsync(patience.Token) is not null)
        {
        }
    }

    /// <summary>The lines up to the next blank line; fails after <see cref="Patience.Timeout"/>.</summary>
    private async Task<List<string>> NextBlockAsync()
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(Patience.Timeout);
        var lines = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(patience.Token) ?? throw new InvalidOperationException("The stream ended.");
            if (line.Length == 0)
            {
                if (lines.Count > 0)
                {
                    Comments.AddRange(lines.Where(text => text.StartsWith(':')).Select(text => text[1..].Trim()));
                    return lines;
                }

                continue;
            }

            lines.Add(line);
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
