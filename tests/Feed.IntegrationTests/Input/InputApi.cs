using System.Net;
using System.Text.Json.Nodes;

namespace Feed.IntegrationTests.Input;

/// <summary>Assertions the input tests share: every error is an RFC 9457 document, naming what is wrong.</summary>
internal static class InputApi
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Asserts an <c>application/problem+json</c> answer with this status, title and a detail in words; returns it.</summary>
    public static async Task<JsonObject> AssertProblemDocumentAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(problem["title"]?.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), $"no detail: {text}");
        Assert.True(Uri.TryCreate(problem["type"]?.GetValue<string>(), UriKind.Absolute, out _), $"no type: {text}");
        return problem;
    }

    /// <summary>Asserts a 400 whose <c>errors</c> name exactly <paramref name="field"/>; returns the field's first message.</summary>
    public static async Task<string> AssertFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.AssertProblemDocumentAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]?.AsObject();
        Assert.NotNull(errors);
        Assert.Equal([field], errors.Select(error => error.Key));
        return errors[field]!.AsArray()[0]!.GetValue<string>();
    }
}
