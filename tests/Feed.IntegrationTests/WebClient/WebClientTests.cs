using System.Net;
using System.Text.RegularExpressions;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.WebClient;

/// <summary>The web client's files at <c>/</c>, each with a Content-Security-Policy of this origin only; the demo pictures.</summary>
public sealed partial class WebClientTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task The_page_and_its_files_are_served_with_a_policy_allowing_only_this_origin(string path, string mediaType)
    {
        var response = await api.CreateClient().GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task The_client_never_writes_html_and_keeps_its_token_out_of_urls_and_local_storage()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Feed.Api", "wwwroot"), "*.*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files.Where(file => file.EndsWith(".js", StringComparison.Ordinal) || file.EndsWith(".html", StringComparison.Ordinal)))
        {
            var text = await File.ReadAllTextAsync(file, Ct);
            Assert.DoesNotMatch(HtmlSinks(), text);
            Assert.DoesNotContain("localStorage", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(InlineScript(), text);
        }
    }

    [Fact]
    public async Task Demo_pictures_are_svg_drawn_by_the_api()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/demo/images/42.svg", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", (await response.Content.ReadAsStringAsync(Ct)).TrimStart(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(")]
    private static partial Regex HtmlSinks();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>")]
    private static partial Regex InlineScript();
}
