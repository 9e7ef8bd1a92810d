using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Feed.Api.OpenApi;

/// <summary>
/// The web JSON settings also read numbers written as strings, so the generated schema of an integer says
/// "integer or string matching a pattern". Clients send and receive numbers: the document says integer,
/// which a generated client maps to an int rather than to an object.
/// </summary>
internal sealed class PlainIntegers : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type
            && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number))
            && type.HasFlag(JsonSchemaType.String))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        return Task.CompletedTask;
    }
}
