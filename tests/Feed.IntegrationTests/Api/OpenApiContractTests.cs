using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Api;

/// <summary>
/// What the served OpenAPI document says, checked against what the API does: a client generated from
/// it must send a token exactly where one is needed, expect problem documents for errors, send integers
/// for limit, and find request examples the API accepts.
/// </summary>
public sealed class OpenApiContractTests(FeedApiFactory factory) : IClassFixture<FeedApiFactory>
{
    private const string ValidationProblem = "#/components/schemas/HttpValidationProblemDetails";
    private const string Problem = "#/components/schemas/ProblemDetails";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exactly_the_operations_that_refuse_a_caller_without_a_token_declare_the_bearer_scheme()
    {
        var document = await ServedDocument.ReadAsync(factory);
        var scheme = document["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Equal("JWT", scheme["bearerFormat"]!.GetValue<string>());

        var anonymous = factory.CreateClient();
        foreach (var operation in ServedDocument.Operations(document))
        {
            // Any id will do: the token is checked before the resource is looked up.
            var path = System.Text.RegularExpressions.Regex.Replace(operation.Path, @"\{[^}]+\}", Guid.NewGuid().ToString());
            using var request = new HttpRequestMessage(new HttpMethod(operation.Method), new Uri(path, UriKind.Relative));
            if (operation.HasBody)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            var response = await anonymous.SendAsync(request, Ct);

            Assert.True(
                (response.StatusCode == HttpStatusCode.Unauthorized) == operation.NeedsToken,
                $"{operation}: answered {(int)response.StatusCode} without a token, but its security is {operation.Operation["security"]?.ToJsonString() ?? "absent"}");
            if (operation.NeedsToken)
            {
                Assert.Equal("""[{"Bearer":[]}]""", operation.Operation["security"]!.ToJsonString());
            }
            else
            {
                Assert.Equal("[]", operation.Operation["security"]?.ToJsonString()); // public in so many words, not forgotten
            }
        }
    }

    [Fact]
    public async Task Every_error_an_operation_declares_is_a_problem_document_and_the_platform_errors_are_declared()
    {
        var document = await ServedDocument.ReadAsync(factory);

        foreach (var operation in ServedDocument.Operations(document))
        {
            var responses = operation.Responses;
            foreach (var (status, response) in responses.Where(response => response.Key[0] is '4' or '5'))
            {
                var content = response!["content"]!.AsObject();
                Assert.Equal(["application/problem+json"], content.Select(media => media.Key));
                var schema = content["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>();
                Assert.Equal(status == "400" ? ValidationProblem : Problem, schema);
            }

            Assert.True(!operation.NeedsToken || responses.ContainsKey("401"), $"{operation} needs a token but declares no 401");
            if (operation.HasBody)
            {
                Assert.All(new[] { "400", "413", "415" }, status => Assert.True(responses.ContainsKey(status), $"{operation} takes a body but declares no {status}"));
            }

            var unavailable = responses["503"] ?? throw new Xunit.Sdk.XunitException($"{operation} declares no 503");
            Assert.Equal("integer", unavailable["headers"]!["Retry-After"]!["schema"]!["type"]!.GetValue<string>());
            Assert.NotNull(responses.FirstOrDefault(response => response.Key[0] == '2').Value);
        }

        var errors = document["components"]!["schemas"]!["HttpValidationProblemDetails"]!["properties"]!["errors"]!;
        Assert.Equal("array", errors["additionalProperties"]!["type"]!.GetValue<string>());
        Assert.Equal("string", errors["additionalProperties"]!["items"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Limit_is_an_integer_from_1_to_100_defaulting_to_20_and_cursor_an_opaque_string()
    {
        var parameters = ServedDocument.Operations(await ServedDocument.ReadAsync(factory))
            .SelectMany(operation => operation.Operation["parameters"]?.AsArray() ?? [])
            .Select(parameter => parameter!.AsObject())
            .Where(parameter => parameter["in"]!.GetValue<string>() == "query")
            .ToList();

        var limits = parameters.Where(parameter => parameter["name"]!.GetValue<string>() == "limit").ToList();
        Assert.Equal(5, limits.Count); // timeline, a user's posts, followers, following, user search
        Assert.All(limits, limit =>
        {
            var schema = limit["schema"]!;
            Assert.Equal("integer", schema["type"]!.GetValue<string>());
            Assert.Equal(1, schema["minimum"]!.GetValue<int>());
            Assert.Equal(100, schema["maximum"]!.GetValue<int>());
            Assert.Equal(20, schema["default"]!.GetValue<int>());
        });
        var cursors = parameters.Where(parameter => parameter["name"]!.GetValue<string>() == "cursor").ToList();
        Assert.Equal(4, cursors.Count);
        Assert.All(cursors, cursor => Assert.Equal("string", cursor["schema"]!["type"]!.GetValue<string>()));

        // The binding is unchanged: a limit that is no integer is still a 400 naming the field.
        var user = await factory.RegisterAsync();
        var response = await user.Http.GetAsync(new Uri("/api/timeline?limit=abc", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ReadJsonAsync())["errors"]!["limit"]);
    }

    [Fact]
    public async Task Every_request_body_has_an_example_the_api_accepts()
    {
        var operations = ServedDocument.Operations(await ServedDocument.ReadAsync(factory)).Where(operation => operation.HasBody).ToList();
        var examples = operations.ToDictionary(operation => operation.OperationId!, Example);
        var http = factory.CreateClient();

        // In the order a new user needs them: register, take a token, then the rest with it.
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(http, operations.Single(operation => operation.OperationId == "RegisterUser"))).StatusCode);
        var token = await SendAsync(http, operations.Single(operation => operation.OperationId == "IssueToken"));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await token.ReadJsonAsync())["access_token"]!.GetValue<string>());
        foreach (var operation in operations.Where(operation => operation.OperationId is not ("RegisterUser" or "IssueToken")))
        {
            var response = await SendAsync(http, operation);
            Assert.True(response.IsSuccessStatusCode, $"{operation}: its example got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        }

        Assert.Equal(["CreatePost", "IssueToken", "RegisterUser", "UpdateOwnProfile"], examples.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Tags_are_described_operations_are_named_and_the_document_has_a_licence_and_a_server_without_a_trailing_slash()
    {
        var document = await ServedDocument.ReadAsync(factory);

        Assert.All(document["tags"]!.AsArray(), tag => Assert.False(string.IsNullOrWhiteSpace(tag!["description"]?.GetValue<string>()), tag!.ToJsonString()));
        var operations = ServedDocument.Operations(document);
        Assert.All(operations, operation =>
        {
            Assert.Matches("^[A-Z][A-Za-z]+$", operation.OperationId); // a method name as it is
            Assert.False(string.IsNullOrWhiteSpace(operation.Operation["summary"]?.GetValue<string>()), $"{operation} has no summary");
        });
        Assert.Equal(operations.Count, operations.Select(operation => operation.OperationId).Distinct(StringComparer.Ordinal).Count());
        Assert.NotNull(document["info"]!["license"]!["name"]);
        Assert.All(document["servers"]!.AsArray(), server => Assert.DoesNotMatch("/$", server!["url"]!.GetValue<string>()));
    }

    private static JsonNode Example(DocumentOperation operation) =>
        operation.Operation["requestBody"]!["content"]!["application/json"]!["example"]
            ?? throw new Xunit.Sdk.XunitException($"{operation} takes a body but shows no example");

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, DocumentOperation operation)
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), new Uri(operation.Path, UriKind.Relative))
        {
            Content = new StringContent(Example(operation).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        return http.SendAsync(request, Ct);
    }
}
