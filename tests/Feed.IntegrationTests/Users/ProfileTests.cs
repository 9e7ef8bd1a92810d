using System.Net;
using System.Net.Http.Json;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Lifecycle;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Feed.IntegrationTests.Users;

public sealed class ProfileTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private readonly FeedApiFactory _factory = api;
    private readonly HttpClient _anonymous = api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A host of its own on <paramref name="clock"/>, which moves only when the test moves it, so that
    /// "updated_on moved" needs no waiting for real time. (The clocks start at a whole millisecond of
    /// now and move a minute: tokens are valid by either clock.)
    /// </summary>
    private WebApplicationFactory<Program> HostWith(FakeTimeProvider clock) =>
        _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));

    [Fact]
    public async Task Public_profile_hides_email_phone_and_age()
    {
        var registered = await (await _anonymous.RegisterAsync(UsersApi.Registration())).ReadJsonAsync();
        var userId = registered["user_id"]!.GetValue<string>();

        var response = await _anonymous.GetAsync($"/api/users/{userId}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var profile = await response.ReadJsonAsync();
        Assert.Equal(UsersApi.PublicProfileFields, profile.FieldNames());
        foreach (var field in UsersApi.PublicProfileFields)
        {
            Assert.Equal(registered[field]!.ToJsonString(), profile[field]!.ToJsonString());
        }

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(registered["email"]!.GetValue<string>(), body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("7946", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_user_is_a_404_problem()
    {
        var response = await _anonymous.GetAsync($"/api/users/{Guid.CreateVersion7()}", Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_non_guid_id_is_a_404()
    {
        var response = await _anonymous.GetAsync("/api/users/not-a-guid", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Own_profile_needs_a_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.GetAsync("/api/users/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _anonymous.PatchAsJsonAsync("/api/users/me", new { first_name = "X" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Own_profile_shows_the_private_fields_of_the_token_owner()
    {
        var user = await _factory.RegisterAsync();

        var response = await user.Http.GetAsync("/api/users/me", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var profile = await response.ReadJsonAsync();
        Assert.Equal(UsersApi.OwnProfileFields, profile.FieldNames());
        Assert.Equal(user.UserId, Guid.Parse(profile["user_id"]!.GetValue<string>()));
        Assert.Equal(user.Username, profile["username"]!.GetValue<string>());
        Assert.Equal($"{user.Username}@example.com", profile["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_changes_the_given_fields_keeps_the_rest_and_bumps_updated_on()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await using var host = HostWith(clock);
        var user = await LifecycleApi.RegisterOnAsync(host);
        var before = await (await user.Http.GetAsync("/api/users/me", Ct)).ReadJsonAsync();
        clock.Advance(TimeSpan.FromMinutes(1));

        var response = await user.Http.PatchAsJsonAsync("/api/users/me", new
        {
            first_name = "Grace",
            email = $"grace_{user.Username}@example.org",
            location = "Arlington",
            phone = "555 0100",
            age = 85,
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await response.ReadJsonAsync();
        Assert.Equal(UsersApi.OwnProfileFields, after.FieldNames());
        Assert.Equal("Grace", after["first_name"]!.GetValue<string>());
        Assert.Equal(before["last_name"]!.GetValue<string>(), after["last_name"]!.GetValue<string>());
        Assert.Equal($"grace_{user.Username}@example.org", after["email"]!.GetValue<string>());
        Assert.Equal("Arlington", after["location"]!.GetValue<string>());
        Assert.Equal("555 0100", after["phone"]!.GetValue<string>());
        Assert.Equal(85, after["age"]!.GetValue<int>());
        Assert.Equal(user.Username, after["username"]!.GetValue<string>());
        Assert.Equal(UsersApi.AssertUtcTimestamp(before["created_on"]), UsersApi.AssertUtcTimestamp(after["created_on"]));
        Assert.Equal(UsersApi.AssertUtcTimestamp(before["updated_on"]).AddMinutes(1), UsersApi.AssertUtcTimestamp(after["updated_on"]));

        var reread = await (await user.Http.GetAsync("/api/users/me", Ct)).ReadJsonAsync();
        Assert.Equal(after.ToJsonString(), reread.ToJsonString());
    }

    [Fact]
    public async Task Names_location_and_phone_are_kept_without_the_spaces_around_them()
    {
        var registration = UsersApi.Registration();
        registration["first_name"] = "  Ada ";
        registration["last_name"] = " Lovelace\u00A0";
        registration["location"] = " London  ";
        registration["phone"] = " +44 20 7946 0000 ";
        var registered = await (await _anonymous.RegisterAsync(registration)).ReadJsonAsync();
        var user = await _factory.RegisterAsync();

        var patched = await (await user.Http.PatchAsJsonAsync("/api/users/me", new { first_name = " Grace\u00A0", location = "   " }, Ct)).ReadJsonAsync();

        Assert.Equal(["Ada", "Lovelace", "London", "+44 20 7946 0000"], new[] { "first_name", "last_name", "location", "phone" }.Select(field => registered[field]!.GetValue<string>()));
        Assert.Equal("Grace", patched["first_name"]!.GetValue<string>());
        Assert.Null(patched["location"]);
        Assert.Equal(patched.ToJsonString(), (await (await user.Http.GetAsync("/api/users/me", Ct)).ReadJsonAsync()).ToJsonString());
    }

    [Fact]
    public async Task Patch_with_null_fields_changes_nothing_but_updated_on()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await using var host = HostWith(clock);
        var user = await LifecycleApi.RegisterOnAsync(host);
        var before = await (await user.Http.GetAsync("/api/users/me", Ct)).ReadJsonAsync();
        clock.Advance(TimeSpan.FromMinutes(1));

        var response = await user.Http.PatchAsJsonAsync("/api/users/me", new { first_name = (string?)null, email = (string?)null, age = (int?)null }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await response.ReadJsonAsync();
        foreach (var field in UsersApi.OwnProfileFields.Where(field => field != "updated_on"))
        {
            Assert.Equal(before[field]?.ToJsonString(), after[field]?.ToJsonString());
        }

        Assert.Equal(UsersApi.AssertUtcTimestamp(before["updated_on"]).AddMinutes(1), UsersApi.AssertUtcTimestamp(after["updated_on"]));
    }

    [Fact]
    public async Task Patch_with_an_empty_string_clears_location()
    {
        var user = await _factory.RegisterAsync();
        await user.Http.PatchAsJsonAsync("/api/users/me", new { location = "Paris" }, Ct);

        var after = await (await user.Http.PatchAsJsonAsync("/api/users/me", new { location = "" }, Ct)).ReadJsonAsync();

        Assert.Null(after["location"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not the password")]
    public async Task A_new_password_needs_the_current_one_and_without_it_nothing_changes(string? currentPassword)
    {
        var user = await _factory.RegisterAsync();
        var body = new Dictionary<string, string?> { ["password"] = "a brand new password", ["current_password"] = currentPassword };

        var response = await user.Http.PatchAsJsonAsync("/api/users/me", body, Ct);

        await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, "current_password");
        Assert.Equal(HttpStatusCode.OK, (await user.Http.GetAsync("/api/users/me", Ct)).StatusCode); // the token still counts
        var oldPassword = await _anonymous.PostAsJsonAsync("/api/auth/token", new { username = user.Username, password = UsersApi.Password }, Ct);
        var newPassword = await _anonymous.PostAsJsonAsync("/api/auth/token", new { username = user.Username, password = "a brand new password" }, Ct);
        Assert.Equal(HttpStatusCode.OK, oldPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, newPassword.StatusCode);
    }

    [Theory]
    [InlineData("first_name", "")]
    [InlineData("last_name", "")]
    [InlineData("email", "nope")]
    [InlineData("password", "short")]
    [InlineData("phone", "letters")]
    [InlineData("age", 200)]
    [InlineData("age", 12)]
    [InlineData("username", "renamed")]
    public async Task Patch_validates_present_fields(string field, object value)
    {
        var user = await _factory.RegisterAsync();

        var response = await user.Http.PatchAsJsonAsync("/api/users/me", new Dictionary<string, object> { [field] = value }, Ct);

        await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, field);
        var unchanged = await (await user.Http.GetAsync("/api/users/me", Ct)).ReadJsonAsync();
        Assert.Equal(user.Username, unchanged["username"]!.GetValue<string>());
        Assert.Equal("First", unchanged["first_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_to_another_users_email_is_a_409_naming_email()
    {
        var owner = await _factory.RegisterAsync();
        var user = await _factory.RegisterAsync();

        var response = await user.Http.PatchAsJsonAsync("/api/users/me", new { email = $"{owner.Username}@EXAMPLE.com".ToUpperInvariant() }, Ct);

        await response.AssertFieldProblemAsync(HttpStatusCode.Conflict, "email");
    }

    [Fact]
    public async Task Patch_wrong_types_and_missing_body_are_400s()
    {
        var user = await _factory.RegisterAsync();

        var wrongType = await user.Http.SendRawJsonAsync(HttpMethod.Patch, "/api/users/me", "{\"age\": \"x\"}");
        var malformed = await user.Http.SendRawJsonAsync(HttpMethod.Patch, "/api/users/me", "{\"age\": ");
        var missing = await user.Http.PatchAsync("/api/users/me", null, Ct);

        await wrongType.AssertFieldProblemAsync(HttpStatusCode.BadRequest, "age");
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        await missing.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Patch_cannot_target_another_user()
    {
        var victim = await _factory.RegisterAsync();
        var attacker = await _factory.RegisterAsync();

        var response = await attacker.Http.PatchAsJsonAsync("/api/users/me", new { user_id = victim.UserId, first_name = "Pwned" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(attacker.UserId, Guid.Parse((await response.ReadJsonAsync())["user_id"]!.GetValue<string>()));
        var victimProfile = await (await victim.Http.GetAsync("/api/users/me", Ct)).ReadJsonAsync();
        Assert.Equal("First", victimProfile["first_name"]!.GetValue<string>());
    }
}
