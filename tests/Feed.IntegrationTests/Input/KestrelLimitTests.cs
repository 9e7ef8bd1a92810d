using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.IntegrationTests.Input;

/// <summary>
/// The request limits on the real server (Kestrel on a loopback port, not the in-process test server):
/// an oversized body is refused from its declared length, before it is sent, and a body without a
/// length is cut off at the limit; both are problem documents. Raw sockets, so the test controls
/// exactly which bytes the server gets.
/// </summary>
public sealed class KestrelLimitTests : IAsyncLifetime
{
    private readonly FeedApiFactory _api = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Storage:Provider"] = "InMemory" });
    private Uri _address = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _api.UseKestrel(0);
        _api.StartServer();
        var addresses = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        _address = new Uri(addresses.First());
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task A_20_MB_body_is_refused_with_a_413_problem_before_any_of_it_is_sent()
    {
        var head = "POST /api/auth/token HTTP/1.1\r\nHost: feed\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 20971520\r\n\r\n";

        var (status, problem) = await SendRawAsync(head, body: []);

        Assert.Equal(413, status);
        Assert.Equal(413, problem!["status"]!.GetValue<int>());
        Assert.Contains("65536 bytes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_sent_without_a_length_is_cut_off_at_the_limit_with_a_413_problem()
    {
        var head = "POST /api/auth/token HTTP/1.1\r\nHost: feed\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        var chunk = new string(' ', 16 * 1024);
        var body = new StringBuilder();
        for (var i = 0; i < 6; i++)
        {
            body.Append(CultureInfoHex(chunk.Length)).Append("\r\n").Append(chunk).Append("\r\n");
        }

        body.Append("0\r\n\r\n");

        var (status, problem) = await SendRawAsync(head, Encoding.ASCII.GetBytes(body.ToString()));

        Assert.Equal(413, status);
        Assert.Contains("65536 bytes", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_target_and_large_headers_are_problems_on_kestrel_too()
    {
        using var client = new HttpClient { BaseAddress = _address };

        var longTarget = await client.GetAsync("/api/users?username=" + new string('a', 9000), Ct);
        await longTarget.AssertProblemDocumentAsync(HttpStatusCode.RequestUriTooLong);

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/users?username=ada");
        request.Headers.Add("X-Padding", new string('p', 40 * 1024));
        await (await client.SendAsync(request, Ct)).AssertProblemDocumentAsync(HttpStatusCode.RequestHeaderFieldsTooLarge);

        // Beyond twice the limit Kestrel stops parsing and answers alone (documented): still refused.
        Assert.Equal(HttpStatusCode.RequestUriTooLong, (await client.GetAsync("/api/users?username=" + new string('a', 17 * 1024), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("GET /api/users?username=a\0 HTTP/1.1\r\nHost: feed\r\n\r\n")] // a raw NUL in the target
    [InlineData("POST /api/auth/token HTTP/1.1\r\nHost: feed\r\nContent-Length: abc\r\n\r\n")]
    [InlineData("NOT HTTP AT ALL\r\n\r\n")]
    public async Task A_request_that_is_not_well_formed_http_is_a_400_from_kestrel_itself(string head)
    {
        // Kestrel answers it before any middleware runs, with an empty body (documented); never a 5xx.
        var (status, _) = await SendRawAsync(head, body: [], problem: false);

        Assert.Equal(400, status);
    }

    private static string CultureInfoHex(int value) => value.ToString("X", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sends a request byte for byte (asking the server to close after answering) and reads the answer to the end.</summary>
    private async Task<(int Status, JsonObject? Problem)> SendRawAsync(string head, byte[] body, bool problem = true)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_address.Host, _address.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);
        try
        {
            await stream.WriteAsync(body, Ct);
        }
        catch (IOException)
        {
            // The server may close once it has answered; the answer is still there to read.
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Patience.Timeout);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        if (!problem)
        {
            return (status, null);
        }

        var (headers, content) = (text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)], text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        Assert.Contains("content-type: application/problem+json", headers.ToLowerInvariant(), StringComparison.Ordinal);
        var json = headers.Contains("chunked", StringComparison.OrdinalIgnoreCase) ? Unchunk(content) : content;
        return (status, JsonNode.Parse(json)!.AsObject());
    }

    private static string Unchunk(string content)
    {
        var json = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = content.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(content[at..lineEnd], 16);
            if (size == 0)
            {
                return json.ToString();
            }

            json.Append(content, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
