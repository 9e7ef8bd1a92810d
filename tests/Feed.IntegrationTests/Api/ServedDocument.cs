using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Api;

/// <summary>One operation of the OpenAPI document: its method (upper case), path template and object.</summary>
internal sealed record DocumentOperation(string Method, string Path, JsonObject Operation)
{
    public override string ToString() => $"{Method} {Path}";

    public string? OperationId => Operation["operationId"]?.GetValue<string>();

    /// <summary>True when the operation requires a security scheme (an empty list says it is public).</summary>
    public bool NeedsToken => Operation["security"] is JsonArray { Count: > 0 };

    public bool HasBody => Operation["requestBody"] is not null;

    public JsonObject Responses => Operation["responses"]!.AsObject();
}

/// <summary>The document the host serves at /openapi/v1.json, read as a client reads it.</summary>
internal static class ServedDocument
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static async Task<JsonObject> ReadAsync(FeedApiFactory factory) =>
        JsonNode.Parse(await factory.CreateClient().GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken))!.AsObject();

    public static List<DocumentOperation> Operations(JsonObject document) =>
        [.. document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject()
                .Where(item => Methods.Contains(item.Key))
                .Select(item => new DocumentOperation(item.Key.ToUpperInvariant(), path.Key, item.Value!.AsObject())))];
}
