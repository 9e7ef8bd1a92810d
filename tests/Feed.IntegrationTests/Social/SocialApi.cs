using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Social;

/// <summary>Requests and assertions the Social API tests share.</summary>
internal static class SocialApi
{
    public static readonly string[] PostFields = ["created_on", "post_id", "post_type", "post_url", "updated_on", "user_id"];

    public static readonly string[] FollowListItemFields = ["followed_on", "user_id", "username"];

    public static readonly string[] PageFields = ["items", "next_cursor"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/posts", body, Ct);

    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string url, string json) =>
        client.SendAsync(new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, Ct);

    /// <summary>Creates a post and returns its JSON, asserting the 201.</summary>
    public static async Task<JsonObject> CreatePostAsync(this FeedUser user, string type = "image")
    {
        var response = await user.Http.PostAsync(new { post_url = $"https://cdn.example.com/{Guid.NewGuid():N}.jpg", post_type = type });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static async Task FollowAsync(this FeedUser follower, FeedUser followee)
    {
        var response = await follower.Http.PostAsync(new Uri($"/api/users/{followee.UserId}/follow", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Reads every page of a list, asserting each page's shape; returns the items in order.</summary>
    public static async Task<List<JsonObject>> ReadAllPagesAsync(this HttpClient client, string path, int limit)
    {
        var items = new List<JsonObject>();
        string? cursor = null;
        for (var pages = 1; ; pages++)
        {
            Assert.True(pages <= 1000, "paging never ended");
            var url = $"{path}?limit={limit}" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}");
            var response = await client.GetAsync(url, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.ReadJsonAsync();
            Assert.Equal(PageFields, page.FieldNames());
            var pageItems = page["items"]!.AsArray().Select(item => item!.AsObject()).ToList();
            items.AddRange(pageItems);
            cursor = page["next_cursor"]?.GetValue<string>();
            if (cursor is null)
            {
                return items;
            }

            // Every page but the last is full.
            Assert.Equal(limit, pageItems.Count);
        }
    }

    public static Guid Id(this JsonNode node, string field) => Guid.Parse(node[field]!.GetValue<string>());

    public static string[] FieldNames(this JsonObject json) => json.Select(property => property.Key).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A timestamp as the contract writes it: ISO-8601 in UTC.</summary>
    public static DateTimeOffset UtcTimestamp(this JsonNode node, string field)
    {
        var text = node[field]!.GetValue<string>();
        Assert.True(text.EndsWith('Z') || text.EndsWith("+00:00", StringComparison.Ordinal), $"'{text}' is not UTC.");
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
    }

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

    /// <summary>Asserts a 400 problem whose <c>errors</c> name exactly the given fields.</summary>
    public static async Task AssertBadFieldsAsync(this HttpResponseMessage response, params string[] fields)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]?.AsObject();
        Assert.NotNull(errors);
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.Select(error => error.Key).Order(StringComparer.Ordinal));
        Assert.All(fields, field => Assert.NotEmpty(errors[field]!.AsArray()));
    }
}
