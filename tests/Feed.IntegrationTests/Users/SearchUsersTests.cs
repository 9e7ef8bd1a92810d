using System.Net;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Users;

public sealed class SearchUsersTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private readonly HttpClient _client = api.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string[]> RegisterAllAsync(string prefix, params string[] suffixes)
    {
        var names = suffixes.Select(suffix => prefix + suffix).ToArray();
        foreach (var name in names)
        {
            Assert.Equal(HttpStatusCode.Created, (await _client.RegisterAsync(UsersApi.Registration(name))).StatusCode);
        }

        return names;
    }

    private static string NewPrefix() => "s" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Finds_users_by_prefix_ignoring_case_in_username_order()
    {
        var prefix = NewPrefix();
        var names = await RegisterAllAsync(prefix, "_Charlie", "_alpha", "_Bravo");
        await RegisterAllAsync("x" + prefix, "_alpha");

        var response = await _client.GetAsync($"/api/users?username={prefix.ToUpperInvariant()}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadJsonAsync();
        Assert.Equal(["items", "next_cursor"], page.FieldNames());
        Assert.Null(page["next_cursor"]);
        var items = page["items"]!.AsArray();
        Assert.Equal([names[1], names[2], names[0]], items.Select(item => item!["username"]!.GetValue<string>()));
        Assert.All(items, item => Assert.Equal(UsersApi.PublicProfileFields, item!.AsObject().FieldNames()));
    }

    [Fact]
    public async Task Stops_at_the_limit()
    {
        var prefix = NewPrefix();
        var names = await RegisterAllAsync(prefix, "_a", "_b", "_c");

        var page = await (await _client.GetAsync($"/api/users?username={prefix}&limit=2", Ct)).ReadJsonAsync();

        Assert.Equal(names[..2], page["items"]!.AsArray().Select(item => item!["username"]!.GetValue<string>()));
    }

    [Fact]
    public async Task No_match_is_an_empty_page()
    {
        var page = await (await _client.GetAsync($"/api/users?username={NewPrefix()}", Ct)).ReadJsonAsync();

        Assert.Empty(page["items"]!.AsArray());
        Assert.Null(page["next_cursor"]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    public async Task An_invalid_limit_is_a_400_naming_limit(string limit)
    {
        var response = await _client.GetAsync($"/api/users?username=abc&limit={limit}", Ct);

        await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, "limit");
    }

    [Fact]
    public async Task A_limit_that_is_no_integer_is_refused_alone_even_without_a_username()
    {
        // As a binding error would: the rest of the request is not checked.
        var response = await _client.GetAsync("/api/users?limit=abc", Ct);

        await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, "limit");
    }

    [Theory]
    [InlineData("/api/users")]
    [InlineData("/api/users?username=")]
    [InlineData("/api/users?username=0123456789012345678901234567890")]
    public async Task A_missing_or_overlong_username_is_a_400_naming_username(string url)
    {
        var response = await _client.GetAsync(url, Ct);

        await response.AssertFieldProblemAsync(HttpStatusCode.BadRequest, "username");
    }
}
