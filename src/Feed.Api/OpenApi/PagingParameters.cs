using System.Text.Json.Nodes;
using Feed.SharedKernel.Paging;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Feed.Api.OpenApi;

/// <summary>
/// The paging parameters as a client should see them. <c>limit</c> is bound as a string (so that
/// <c>limit=abc</c> is a 400 naming the field), but what the API takes is an integer within
/// <see cref="PageSize"/>'s bounds; <c>cursor</c> is an opaque string handed back unchanged.
/// </summary>
internal sealed class PagingParameters : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(parameter => parameter.In == ParameterLocation.Query))
        {
            switch (parameter.Name)
            {
                case "limit":
                    parameter.Description ??= $"Page size, {PageSize.Min} to {PageSize.Max}; {PageSize.Default} when absent.";
                    parameter.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Format = "int32",
                        Minimum = PageSize.Min.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Maximum = PageSize.Max.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Default = JsonValue.Create(PageSize.Default),
                    };
                    break;
                case "cursor":
                    parameter.Description ??= "The next_cursor of the previous page, unchanged; absent for the first page.";
                    parameter.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "Opaque: valid only for the list (and the user) that returned it.",
                    };
                    break;
            }
        }

        return Task.CompletedTask;
    }
}
