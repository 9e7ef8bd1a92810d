using System.Globalization;
using System.Text.Json.Nodes;
using Feed.SharedKernel.OpenApi;
using Feed.SharedKernel.Paging;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Feed.Api.OpenApi;

/// <summary>
/// The paging parameters (<see cref="PageRequest"/>) as a client should see them. <c>limit</c> is bound
/// as a string (so that <c>limit=abc</c> is a 400 naming the field), but what the API takes is an integer
/// within <see cref="PageRequest"/>'s bounds; <c>cursor</c> is an opaque string handed back unchanged.
/// An operation may describe either in its own words (<see cref="ParameterDescriptionAttribute"/>).
/// </summary>
internal sealed class PagingParameters : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var described = context.Description.ActionDescriptor.EndpointMetadata.OfType<ParameterDescriptionAttribute>().ToList();
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(parameter => parameter.In == ParameterLocation.Query))
        {
            parameter.Description ??= described.LastOrDefault(description => description.Name == parameter.Name)?.Description;
            switch (parameter.Name)
            {
                case "limit":
                    parameter.Description ??= $"Page size, {PageRequest.MinLimit} to {PageRequest.MaxLimit}; {PageRequest.DefaultLimit} when absent.";
                    parameter.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Format = "int32",
                        Minimum = PageRequest.MinLimit.ToString(CultureInfo.InvariantCulture),
                        Maximum = PageRequest.MaxLimit.ToString(CultureInfo.InvariantCulture),
                        Default = JsonValue.Create(PageRequest.DefaultLimit),
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
