using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Users;

/// <summary>Requests and assertions the Users API tests share.</summary>
internal static class UsersApi
{
    public const string Password = "correct horse battery staple";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Dictionary<string, object?> Registration(string? username = null)
    {
        username ??= FeedClient.UniqueName("reg");
        return new Dictionary<string, object?>
        {
            ["username"] = username,
            ["first_name"] = "Ada",
            ["last_name"] = "Lovelace",
            ["email"] = $"{username}@example.com",
            ["password"] = Password,
            ["location"] = "London",
            ["phone"] = "+44 20 7946 0000",
            ["age"] = 36,
        };
    }

    public static Task<HttpResponseMessage> RegisterAsync(this HttpClient client, Dictionary<string, object?> registration) =>
        client.PostAsJsonAsync("/api/users", registration, Ct);

    public static Task<HttpResponseMessage> SendRawJsonAsync(this HttpClient client, HttpMethod method, string url, string json) =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, Ct);

    /// <summary>Asserts a problem response with the given status; returns its body.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        // Every problem names its type (RFC 9457: a URI; the framework's links to the status's definition).
        Assert.True(Uri.TryCreate(problem["type"]?.GetValue<string>(), UriKind.Absolute, out _), $"No type: {text}");
        return problem;
    }

    /// <summary>Asserts a problem response whose <c>errors</c> name exactly <paramref name="field"/>.</summary>
    public static async Task<JsonObject> AssertFieldProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var problem = await response.AssertProblemAsync(status);
        var errors = problem["errors"]?.AsObject();
        Assert.NotNull(errors);
        Assert.Equal([field], errors.Select(error => error.Key));
        Assert.NotEmpty(errors[field]!.AsArray());
        return problem;
    }

    public static string[] FieldNames(this JsonObject json) => json.Select(property => property.Key).Order(StringComparer.Ordinal).ToArray();

    public static readonly string[] OwnProfileFields =
        ["age", "created_on", "email", "first_name", "is_influencer", "last_name", "location", "phone", "updated_on", "user_id", "username"];

    public static readonly string[] PublicProfileFields =
        ["created_on", "first_name", "is_influencer", "last_name", "location", "updated_on", "user_id", "username"];

    /// <summary>A timestamp as the contract writes it: ISO-8601 in UTC.</summary>
    public static DateTimeOffset AssertUtcTimestamp(JsonNode? node)
    {
        var text = node!.GetValue<string>();
        Assert.True(text.EndsWith('Z') || text.EndsWith("+00:00", StringComparison.Ordinal), $"'{text}' is not UTC.");
        return DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }
}
