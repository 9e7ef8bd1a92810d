using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Users;

public sealed class RegisterUserTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private readonly FeedApiFactory _factory = api;
    private readonly HttpClient _client = api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registration_returns_201_with_location_and_the_own_profile()
    {
        var registration = UsersApi.Registration();

        var response = await _client.RegisterAsync(registration);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await response.ReadJsonAsync();
        Assert.Equal(UsersApi.OwnProfileFields, user.FieldNames());
        var userId = Guid.Parse(user["user_id"]!.GetValue<string>());
        Assert.Equal($"/api/users/{userId}", response.Headers.Location?.OriginalString);
        Assert.Equal(registration["username"], user["username"]!.GetValue<string>());
        Assert.Equal("Ada", user["first_name"]!.GetValue<string>());
        Assert.Equal("Lovelace", user["last_name"]!.GetValue<string>());
        Assert.Equal(registration["email"], user["email"]!.GetValue<string>());
        Assert.Equal("London", user["location"]!.GetValue<string>());
        Assert.Equal("+44 20 7946 0000", user["phone"]!.GetValue<string>());
        Assert.Equal(36, user["age"]!.GetValue<int>());
        Assert.False(user["is_influencer"]!.GetValue<bool>());
        var createdOn = UsersApi.AssertUtcTimestamp(user["created_on"]);
        Assert.Equal(createdOn, UsersApi.AssertUtcTimestamp(user["updated_on"]));
        Assert.InRange(createdOn, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var location = await _client.GetAsync(response.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.OK, location.StatusCode);
    }

    [Fact]
    public async Task Optional_fields_may_be_left_out_and_read_as_null()
    {
        var registration = UsersApi.Registration();
        registration.Remove("location");
        registration.Remove("phone");
        registration.Remove("age");

        var response = await _client.RegisterAsync(registration);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await response.ReadJsonAsync();
        Assert.Equal(UsersApi.OwnProfileFields, user.FieldNames());
        Assert.Null(user["location"]);
        Assert.Null(user["phone"]);
        Assert.Null(user["age"]);
    }

    [Fact]
    public async Task No_response_ever_carries_the_password_or_its_hash()
    {
        var user = await _factory.RegisterAsync();
        var registration = UsersApi.Registration();

        var bodies = new List<string>
        {
            await (await _client.RegisterAsync(registration)).Content.ReadAsStringAsync(Ct),
            await user.Http.GetStringAsync("/api/users/me", Ct),
            await _client.GetStringAsync($"/api/users/{user.UserId}", Ct),
            await _client.GetStringAsync($"/api/users?username={user.Username}", Ct),
            await (await user.Http.PatchAsJsonAsync("/api/users/me", new { password = "a brand new password", current_password = UsersApi.Password }, Ct)).Content.ReadAsStringAsync(Ct),
        };

        Assert.All(bodies, body =>
        {
            Assert.DoesNotContain("password", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("hash", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(UsersApi.Password, body, StringComparison.Ordinal);
            Assert.DoesNotContain("AQAAAA", body, StringComparison.Ordinal); // the Identity hash format's prefix
        });
    }

    [Fact]
    public async Task Username_taken_in_another_case_is_a_409_naming_username()
    {
        var first = UsersApi.Registration();
        Assert.Equal(HttpStatusCode.Created, (await _client.RegisterAsync(first)).StatusCode);
        var second = UsersApi.Registration(((string)first["username"]!).ToUpperInvariant());
        second["email"] = $"other_{first["email"]}";

        var response = await _client.RegisterAsync(second);

        await response.AssertFieldProblemAsync(HttpStatusCode.Conflict, "username");
    }

    [Fact]
    public async Task Email_taken_in_another_case_is_a_409_naming_email()
    {
        var first = UsersApi.Registration();
        Assert.Equal(HttpStatusCode.Created, (await _client.RegisterAsync(first)).StatusCode);
        var second = UsersApi.Registration();
        second["email"] = ((string)first["email"]!).ToUpperInvariant();

        var response = await _client.RegisterAsync(second);

        await response.AssertFieldProblemAsync(HttpStatusCode.Conflict, "email");
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_username_create_one_user()
    {
        var username = FeedClient.UniqueName("race");
        var attempts = Enumerable.Range(0, 8).Select(i =>
        {
            var registration = UsersApi.Registration(i % 2 == 0 ? username : username.ToUpperInvariant());
            registration["email"] = $"race{i}_{username}@example.com";
            return _client.RegisterAsync(registration);
        });

        var responses = await Task.WhenAll(attempts);

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, responses.Count(response => response.StatusCode == HttpStatusCode.Conflict));
    }

    public static TheoryData<string, object?, string> InvalidFields() => new()
    {
        { "username", null, "username" },
        { "username", "ab", "username" },
        { "username", new string('a', 31), "username" },
        { "username", "has space", "username" },
        { "username", "dash-ed", "username" },
        { "first_name", "", "first_name" },
        { "first_name", new string('f', 101), "first_name" },
        { "last_name", null, "last_name" },
        { "last_name", new string('l', 101), "last_name" },
        { "email", "not-an-email", "email" },
        { "email", "", "email" },
        { "email", new string('e', 250) + "@example.com", "email" },
        { "password", "short", "password" },
        { "password", new string('p', 129), "password" },
        { "password", null, "password" },
        { "location", new string('l', 101), "location" },
        { "phone", "call me maybe", "phone" },
        { "phone", new string('1', 33), "phone" },
        { "age", 12, "age" },
        { "age", 151, "age" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task Each_invalid_field_is_a_400_naming_it(string field, object? value, string expectedField)
    {
        var registration = UsersApi.Registration();
        registration[field] = value;

        var response = await _client.RegisterAsync(registration);

        var problem = await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, expectedField);
        Assert.Contains(expectedField, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_field_is_a_400_naming_it()
    {
        var registration = UsersApi.Registration();
        registration.Remove("email");

        var response = await _client.RegisterAsync(registration);

        await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, "email");
    }

    [Fact]
    public async Task Every_invalid_field_is_named_at_once()
    {
        var response = await _client.RegisterAsync(new Dictionary<string, object?> { ["username"] = "x", ["age"] = 5 });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["age", "email", "first_name", "last_name", "password", "username"], problem["errors"]!.AsObject().FieldNames());
    }

    [Fact]
    public async Task A_missing_body_is_a_400()
    {
        var response = await _client.PostAsync("/api/users", null, Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("{\"username\": ")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    public async Task Malformed_json_is_a_400(string json)
    {
        var response = await _client.SendRawJsonAsync(HttpMethod.Post, "/api/users", json);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("age", "\"x\"")]
    [InlineData("age", "13.5")]
    [InlineData("username", "42")]
    [InlineData("email", "{}")]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_the_field(string field, string rawValue)
    {
        var registration = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(UsersApi.Registration()))!.AsObject();
        registration[field] = JsonNode.Parse(rawValue);

        var response = await _client.SendRawJsonAsync(HttpMethod.Post, "/api/users", registration.ToJsonString());

        await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, field);
    }
}
