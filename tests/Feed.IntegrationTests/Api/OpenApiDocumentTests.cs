using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Snapshooter.Xunit3;

namespace Feed.IntegrationTests.Api;

/// <summary>
/// The OpenAPI document is part of the contract: a change to any route, field or status code shows
/// up here as a snapshot difference to review. To accept a deliberate change, run this test once: it
/// fails and writes the served document to <c>__snapshots__/__mismatch__/</c>; review it and move it over
/// the snapshot. (The snapshot must not be deleted: the generated client of
/// <see cref="GeneratedClientTests"/> is built from it.) build/test.sh sets <c>SNAPSHOOTER_STRICT_MODE=true</c>,
/// so there a missing snapshot fails instead of being written.
/// </summary>
public sealed class OpenApiDocumentTests(FeedApiFactory factory) : IClassFixture<FeedApiFactory>
{
    [Fact]
    public async Task The_openapi_document_is_version_3_1_and_matches_its_snapshot()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var document = JsonNode.Parse(text)!;
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Snapshot.Match(Newtonsoft.Json.Linq.JToken.Parse(text));
    }

    [Fact]
    public async Task The_document_lists_exactly_the_public_operations()
    {
        var text = await factory.CreateClient().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        // A path item may hold more than operations (parameters, a summary); only the methods count.
        string[] methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
        var operations = JsonNode.Parse(text)!["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(item => methods.Contains(item.Key)).Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .Order(StringComparer.Ordinal);

        string[] expected =
        [
            "POST /api/users", "GET /api/users", "POST /api/auth/token", "GET /api/users/{user_id}",
            "GET /api/users/me", "PATCH /api/users/me",
            "POST /api/posts", "GET /api/posts/{post_id}", "DELETE /api/posts/{post_id}", "GET /api/users/{user_id}/posts",
            "POST /api/users/{user_id}/follow", "DELETE /api/users/{user_id}/follow",
            "GET /api/users/{user_id}/followers", "GET /api/users/{user_id}/following",
            "GET /api/timeline", "POST /api/timeline/stream-token", "GET /api/timeline/stream",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), operations);
    }

    [Fact]
    public async Task The_scalar_reference_page_is_served_and_offers_the_bearer_scheme_to_authorize_with()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/scalar/v1", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // The page's configuration: the Authorize control starts on the document's bearer scheme and keeps the token across reloads.
        var page = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"preferredSecurityScheme\":[\"Bearer\"]", page, StringComparison.Ordinal);
        Assert.Contains("\"persistAuth\":true", page, StringComparison.Ordinal);
    }
}
