using System.Text.Json;
using System.Text.Json.Serialization;
using Feed.SharedKernel.OpenApi;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Feed.Api.OpenApi;

/// <summary>
/// The example body a module gives its endpoint (<see cref="RequestBodyExample"/>), written with the
/// API's own JSON settings: the example is spelled exactly as a request must be.
/// </summary>
internal sealed class RequestExamples(IOptions<JsonOptions> json) : IOpenApiOperationTransformer
{
    // An example shows what to send: a field left out means "unchanged" or "none", so nulls are not written.
    private readonly JsonSerializerOptions _examples = new(json.Value.SerializerOptions) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var example = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestBodyExample>().LastOrDefault();
        if (example is null || operation.RequestBody?.Content is not { } content)
        {
            return Task.CompletedTask;
        }

        foreach (var mediaType in content.Values)
        {
            mediaType.Example = JsonSerializer.SerializeToNode(example.Value, example.Value.GetType(), _examples);
        }

        return Task.CompletedTask;
    }
}
