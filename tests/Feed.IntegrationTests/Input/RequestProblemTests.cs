using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.IntegrationTests.Input;

/// <summary>
/// Requests the API cannot use get an RFC 9457 problem document that says, in plain words, what is
/// wrong: unknown routes, wrong methods and media types, empty or broken bodies, bodies, targets and
/// headers over the limits. (Kestrel's own enforcement is in <see cref="KestrelLimitTests"/>.)
/// </summary>
public sealed class RequestProblemTests(FeedApiFactory factory) : IClassFixture<FeedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? body, string contentType = "application/json", HttpClient? client = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return (client ?? _client).SendAsync(request, Ct);
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_problem_that_reveals_nothing()
    {
        await using var failing = factory.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.AddSingleton<IStartupFilter>(new FailingPathFilter("/test/fail"))));

        var problem = await (await failing.CreateClient().GetAsync("/test/fail", Ct)).AssertProblemDocumentAsync(HttpStatusCode.InternalServerError);

        Assert.DoesNotContain("secret-internal-detail", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await (await _client.GetAsync("/api/nothing-here", Ct)).AssertProblemDocumentAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/users/not-a-guid/posts", Ct)).AssertProblemDocumentAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    public async Task A_wrong_method_is_a_405_problem_whatever_the_client_accepts(string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/timeline");
        request.Headers.Accept.ParseAdd(accept);

        var problem = await (await _client.SendAsync(request, Ct)).AssertProblemDocumentAsync(HttpStatusCode.MethodNotAllowed);

        Assert.Contains("PUT", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/users")]
    [InlineData("/api/auth/token")]
    public async Task A_body_that_is_not_json_is_a_415_problem(string url)
    {
        var problem = await (await SendAsync(HttpMethod.Post, url, "username=ada", "text/plain")).AssertProblemDocumentAsync(HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("application/json", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BodyEndpoints => new()
    {
        { "POST", "/api/users" },
        { "POST", "/api/auth/token" },
        { "POST", "/api/posts" },
        { "PATCH", "/api/users/me" },
    };

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task An_empty_or_null_body_is_a_400_naming_the_body_in_plain_words(string method, string url)
    {
        var user = await factory.RegisterAsync();

        foreach (var body in new[] { null, string.Empty, "null" })
        {
            var response = await SendAsync(new HttpMethod(method), url, body, client: user.Http);

            var message = await response.AssertFieldErrorAsync("body");
            Assert.Contains("empty", message, StringComparison.Ordinal);
            Assert.DoesNotContain("Implicit", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"username\": ", "not valid JSON")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"a\":1}}", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    public async Task An_unreadable_body_is_a_400_naming_the_body(string json, string says)
    {
        var message = await (await SendAsync(HttpMethod.Post, "/api/users", json)).AssertFieldErrorAsync("body");

        Assert.Contains(says, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("first_name", "\"Ada\\uD800\"")] // an unpaired surrogate, escaped
    [InlineData("last_name", "\"\\uDC00\"")]
    [InlineData("age", "\"x\"")]
    public async Task A_field_json_cannot_read_as_text_or_its_type_is_a_400_naming_that_field(string field, string rawValue)
    {
        var username = FeedClient.UniqueName("text");
        var body = $"{{\"username\":\"{username}\",\"first_name\":\"A\",\"last_name\":\"L\",\"email\":\"{username}@example.com\",\"password\":\"long enough\",\"{field}\":{rawValue}}}";

        await (await SendAsync(HttpMethod.Post, "/api/users", body)).AssertFieldErrorAsync(field);
    }

    [Theory]
    [InlineData("first_name", "5")]
    [InlineData("first_name", "true")]
    [InlineData("last_name", "[\"L\"]")]
    [InlineData("email", "{}")]
    [InlineData("age", "true")]
    public async Task A_field_of_the_wrong_json_type_is_a_400_that_says_so_not_that_its_text_is_invalid(string field, string rawValue)
    {
        var username = FeedClient.UniqueName("type");
        var body = $"{{\"username\":\"{username}\",\"first_name\":\"A\",\"last_name\":\"L\",\"email\":\"{username}@example.com\",\"password\":\"long enough\",\"{field}\":{rawValue}}}";

        var message = await (await SendAsync(HttpMethod.Post, "/api/users", body)).AssertFieldErrorAsync(field);

        Assert.Contains("wrong type", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=bogus", "'bogus'")]
    [InlineData("application/json; charset=ibm037", "'ibm037'")]
    [InlineData("application/json; charset=utf-7", "'utf-7'")]
    [InlineData("application/json; charset=", "''")]
    public async Task A_body_in_a_charset_the_api_cannot_decode_is_a_415_problem_naming_the_charset(string contentType, string says)
    {
        var user = await factory.RegisterAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, "/api/users/me") { Content = new ByteArrayContent("{\"location\":\"Paris\"}"u8.ToArray()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var problem = await (await user.Http.SendAsync(request, Ct)).AssertProblemDocumentAsync(HttpStatusCode.UnsupportedMediaType);

        Assert.Contains(says, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null((await user.Http.GetFromJsonAsync<JsonObject>("/api/users/me", Ct))!["location"]);
    }

    [Fact]
    public async Task An_endpoint_that_reads_no_body_ignores_the_charset_of_one()
    {
        var user = await factory.RegisterAsync();
        var followed = await factory.RegisterAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/users/{followed.UserId}/follow") { Content = new ByteArrayContent("{}"u8.ToArray()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");

        Assert.Equal(HttpStatusCode.NoContent, (await user.Http.SendAsync(request, Ct)).StatusCode);
    }

    [Theory]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    public async Task A_quoted_charset_is_read_like_the_same_charset_unquoted(string contentType)
    {
        var user = await factory.RegisterAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, "/api/users/me") { Content = new ByteArrayContent("{\"location\":\"Zürich\"}"u8.ToArray()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await user.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Zürich", (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_over_64_KB_is_a_413_problem_and_one_at_the_limit_is_read()
    {
        var user = await factory.RegisterAsync();
        var post = "{\"post_url\":\"https://cdn.example.com/a.jpg\",\"post_type\":\"image\"}";
        var atLimit = post + new string(' ', (64 * 1024) - post.Length); // JSON allows trailing white space

        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/api/posts", atLimit, client: user.Http)).StatusCode);
        var problem = await (await SendAsync(HttpMethod.Post, "/api/posts", atLimit + " ", client: user.Http)).AssertProblemDocumentAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("65536 bytes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_body_limit_is_a_setting()
    {
        await using var small = FeedApiFactory.WithSettings(new Dictionary<string, string?> { ["Feed:Http:MaxRequestBodyBytes"] = "2048" });
        var body = "{\"username\":\"" + new string('a', 3000) + "\",\"password\":\"x\"}";

        var problem = await (await SendAsync(HttpMethod.Post, "/api/auth/token", body, client: small.CreateClient())).AssertProblemDocumentAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("2048 bytes", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_target_over_8_KB_is_a_414_problem()
    {
        var ok = await _client.GetAsync("/api/users?username=" + new string('a', 8000), Ct);
        Assert.NotEqual(HttpStatusCode.RequestUriTooLong, ok.StatusCode);

        await (await _client.GetAsync("/api/users?username=" + new string('a', 8200), Ct)).AssertProblemDocumentAsync(HttpStatusCode.RequestUriTooLong);
    }

    [Fact]
    public async Task Headers_over_32_KB_are_a_431_problem()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/users?username=ada");
        request.Headers.Add("X-Padding", new string('p', 33 * 1024));

        await (await _client.SendAsync(request, Ct)).AssertProblemDocumentAsync(HttpStatusCode.RequestHeaderFieldsTooLarge);
    }

    /// <summary>Adds, at the end of the real pipeline, a path whose request fails the way a bug would.</summary>
    private sealed class FailingPathFilter(string path) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((context, rest) => context.Request.Path == path
                ? throw new InvalidOperationException("secret-internal-detail")
                : rest(context));
        };
    }
}
