using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Feed.SharedKernel.OpenApi;

/// <summary>
/// An error an endpoint's own handler answers, as an RFC 9457 problem document: a 400 names the fields
/// in <c>errors</c> (<see cref="HttpValidationProblemDetails"/>), any other status is a plain problem.
/// The same response metadata as the <c>ProducesProblem</c> and <c>ProducesValidationProblem</c> builder
/// calls, written beside the handler; the platform's errors (413, 415, 429, 503) the host adds itself.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProducesProblemAttribute(int statusCode) : Attribute, IProducesResponseTypeMetadata
{
    public Type? Type { get; } = statusCode == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);

    public int StatusCode { get; } = statusCode;

    public string? Description => null;

    public IEnumerable<string> ContentTypes { get; } = ["application/problem+json"];
}

/// <summary>What one parameter of this operation means, where it differs from what the parameter says in every other operation.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ParameterDescriptionAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;
}
