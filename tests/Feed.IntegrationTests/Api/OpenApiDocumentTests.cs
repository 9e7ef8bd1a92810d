using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Snapshooter.Xunit3;

namespace Feed.IntegrationTests.Api;

/// <summary>
/// The OpenAPI document is part of the contract: a change to any route, field or status code shows
/// up here as a snapshot difference to review (delete the snapshot file to accept a deliberate change).
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
    public async Task The_document_lists_every_public_route()
    {
        var text = await factory.CreateClient().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var paths = JsonNode.Parse(text)!["paths"]!.AsObject().Select(path => path.Key).ToHashSet();

        string[] expected =
        [
            "/api/users", "/api/auth/token", "/api/users/{user_id}", "/api/users/me",
            "/api/posts", "/api/posts/{post_id}", "/api/users/{user_id}/posts",
            "/api/users/{user_id}/follow", "/api/users/{user_id}/followers", "/api/users/{user_id}/following",
            "/api/timeline",
        ];
        Assert.All(expected, path => Assert.Contains(path, paths));
    }

    [Fact]
    public async Task The_scalar_reference_page_is_served()
    {
        var response = await factory.CreateClient().GetAsync(new Uri("/scalar/v1", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }
}
