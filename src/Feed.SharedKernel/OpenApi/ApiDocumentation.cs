using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Feed.SharedKernel.OpenApi;

/// <summary>A tag of the API reference and what its operations are about; the host lists it in the document.</summary>
public sealed record ApiTag(string Name, string Description);

/// <summary>A request body as a client would send it, shown in the document and on the reference page.</summary>
public sealed record RequestBodyExample(object Value);

/// <summary>
/// Documentation a module attaches to its own routes, beside the routes: the host's OpenAPI transformers
/// read it from the endpoints' metadata, so no list of the modules' operations is kept in the host.
/// </summary>
public static class ApiDocumentation
{
    /// <summary>Tags the routes, and says what the tag is about.</summary>
    public static TBuilder WithApiTag<TBuilder>(this TBuilder builder, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithTags(name).WithMetadata(new ApiTag(name, description));

    /// <summary>
    /// An example body, written with the API's JSON settings (snake_case) when the document is made, so a
    /// renamed field changes the example with it.
    /// </summary>
    public static RouteHandlerBuilder WithRequestExample<TBody>(this RouteHandlerBuilder builder, TBody example)
        where TBody : notnull =>
        builder.WithMetadata(new RequestBodyExample(example));
}
