using System.Text.RegularExpressions;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Api;

/// <summary>
/// src/Feed.Api/Feed.http (copied beside the tests) stays in step with the document: a request for every
/// operation, and none for an operation the API does not have.
/// </summary>
public sealed partial class HttpFileTests(FeedApiFactory factory) : IClassFixture<FeedApiFactory>
{
    [Fact]
    public async Task Feed_http_has_a_request_for_every_operation_of_the_document_and_no_other()
    {
        var operations = ServedDocument.Operations(await ServedDocument.ReadAsync(factory))
            .Select(operation => $"{operation.Method} {PathParameter().Replace(operation.Path, "{}")}")
            .ToHashSet(StringComparer.Ordinal);
        var requests = (await File.ReadAllLinesAsync(Path.Combine(AppContext.BaseDirectory, "Feed.http"), TestContext.Current.CancellationToken))
            .Select(line => RequestLine().Match(line))
            .Where(match => match.Success)
            .Select(match => $"{match.Groups["method"].Value} {FileVariable().Replace(match.Groups["path"].Value, "{}")}")
            .ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(operations);
        Assert.Empty(operations.Except(requests).Order(StringComparer.Ordinal)); // operations Feed.http lacks
        Assert.Empty(requests.Except(operations).Order(StringComparer.Ordinal)); // requests for no operation
    }

    /// <summary><c>POST {{api}}/api/users/{{x}}/follow?limit=1</c>: the method and the path, without host and query.</summary>
    [GeneratedRegex(@"^(?<method>GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) \{\{api\}\}(?<path>/[^?\s]*)")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"\{\{[^}]+\}\}")]
    private static partial Regex FileVariable();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}
