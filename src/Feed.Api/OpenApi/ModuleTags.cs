using Feed.SharedKernel.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Feed.Api.OpenApi;

/// <summary>The document's tags with the descriptions the modules give them beside their routes (<see cref="ApiTag"/>).</summary>
internal sealed class ModuleTags : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var described = context.DescriptionGroups
            .SelectMany(group => group.Items)
            .SelectMany(operation => operation.ActionDescriptor.EndpointMetadata.OfType<ApiTag>())
            .GroupBy(tag => tag.Name, StringComparer.Ordinal)
            .ToDictionary(tags => tags.Key, tags => tags.First().Description, StringComparer.Ordinal);

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && described.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        return Task.CompletedTask;
    }
}
