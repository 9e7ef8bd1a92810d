using System.Net;
using System.Text.Json.Nodes;
using Feed.IntegrationTests.Infrastructure;
using Feed.Testing;

namespace Feed.IntegrationTests.Social;

public sealed class PostTests(FeedApiFactory factory) : IClassFixture<FeedApiFactory>
{
    private readonly FeedApiFactory _factory = factory;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("image")]
    [InlineData("video")]
    [InlineData("carousel")]
    public async Task Creating_a_post_returns_201_with_location_and_the_post(string type)
    {
        var author = await _factory.RegisterAsync();
        var url = $"https://cdn.example.com/{Guid.NewGuid():N}?size=large";

        var response = await author.Http.PostAsync(new { post_url = url, post_type = type });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var post = await response.ReadJsonAsync();
        Assert.Equal(SocialApi.PostFields, post.FieldNames());
        var postId = post.Id("post_id");
        Assert.NotEqual(Guid.Empty, postId);
        Assert.Equal($"/api/posts/{postId}", response.Headers.Location?.OriginalString);
        Assert.Equal(author.UserId, post.Id("user_id"));
        Assert.Equal(url, post["post_url"]!.GetValue<string>());
        Assert.Equal(type, post["post_type"]!.GetValue<string>());
        var createdOn = post.UtcTimestamp("created_on");
        Assert.Equal(createdOn, post.UtcTimestamp("updated_on"));
        Assert.InRange(createdOn, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var read = await _factory.CreateClient().GetAsync(response.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(post.ToJsonString(), (await read.ReadJsonAsync()).ToJsonString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("cdn.example.com/a.jpg")]
    [InlineData("/relative/a.jpg")]
    [InlineData("ftp://cdn.example.com/a.jpg")]
    [InlineData("javascript:alert(1)")]
    public async Task An_invalid_post_url_is_a_400_naming_post_url(string url)
    {
        var author = await _factory.RegisterAsync();

        var response = await author.Http.PostAsync(new { post_url = url, post_type = "image" });

        await response.AssertBadFieldsAsync("post_url");
    }

    [Fact]
    public async Task A_post_url_over_2048_characters_is_a_400_naming_post_url()
    {
        var author = await _factory.RegisterAsync();
        var prefix = "https://cdn.example.com/";
        var atLimit = prefix + new string('a', 2048 - prefix.Length);

        Assert.Equal(HttpStatusCode.Created, (await author.Http.PostAsync(new { post_url = atLimit, post_type = "image" })).StatusCode);
        await (await author.Http.PostAsync(new { post_url = atLimit + "a", post_type = "image" })).AssertBadFieldsAsync("post_url");
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("Image")]
    [InlineData("")]
    public async Task An_invalid_post_type_is_a_400_naming_post_type(string type)
    {
        var author = await _factory.RegisterAsync();

        var response = await author.Http.PostAsync(new { post_url = "https://cdn.example.com/a.jpg", post_type = type });

        await response.AssertBadFieldsAsync("post_type");
    }

    [Fact]
    public async Task Missing_fields_are_each_named()
    {
        var author = await _factory.RegisterAsync();

        await (await author.Http.SendJsonAsync(HttpMethod.Post, "/api/posts", "{}")).AssertBadFieldsAsync("post_type", "post_url");
    }

    [Fact]
    public async Task A_field_of_the_wrong_json_type_is_a_400_naming_it()
    {
        var author = await _factory.RegisterAsync();

        var response = await author.Http.SendJsonAsync(HttpMethod.Post, "/api/posts", """{"post_url": 42, "post_type": "image"}""");

        await response.AssertBadFieldsAsync("post_url");
    }

    [Fact]
    public async Task Creating_or_deleting_a_post_without_a_token_is_401()
    {
        var author = await _factory.RegisterAsync();
        var post = await author.CreatePostAsync();
        var anonymous = _factory.CreateClient();

        var create = await anonymous.PostAsync(new { post_url = "https://cdn.example.com/a.jpg", post_type = "image" });
        var delete = await anonymous.DeleteAsync($"/api/posts/{post.Id("post_id")}", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/posts/{post.Id("post_id")}", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_post_is_404()
    {
        var client = _factory.CreateClient();

        await (await client.GetAsync($"/api/posts/{Guid.NewGuid()}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/posts/not-a-guid", Ct)).StatusCode);
    }

    [Theory]
    [InlineData(5, 2)]
    [InlineData(4, 2)]
    [InlineData(3, 100)]
    [InlineData(1, 1)]
    public async Task A_users_posts_page_newest_first_and_the_last_page_has_no_cursor(int count, int limit)
    {
        var author = await _factory.RegisterAsync();
        var created = new List<JsonObject>();
        for (var i = 0; i < count; i++)
        {
            created.Add(await author.CreatePostAsync());
        }

        await (await _factory.RegisterAsync()).CreatePostAsync();

        var items = await _factory.CreateClient().ReadAllPagesAsync($"/api/users/{author.UserId}/posts", limit);

        Assert.All(items, item => Assert.Equal(SocialApi.PostFields, item.FieldNames()));
        Assert.All(items, item => Assert.Equal(author.UserId, item.Id("user_id")));
        Assert.Equal(
            PageOrder.NewestFirst(created, post => post.UtcTimestamp("created_on"), post => post.Id("post_id")).Select(post => post.Id("post_id")),
            items.Select(item => item.Id("post_id")));
    }

    [Fact]
    public async Task A_user_without_posts_has_an_empty_last_page()
    {
        var author = await _factory.RegisterAsync();

        var page = await (await _factory.CreateClient().GetAsync($"/api/users/{author.UserId}/posts", Ct)).ReadJsonAsync();

        Assert.Empty(page["items"]!.AsArray());
        Assert.Null(page["next_cursor"]);
        Assert.True(page.ContainsKey("next_cursor"));
    }

    [Fact]
    public async Task The_posts_of_an_unknown_user_are_404()
    {
        var response = await _factory.CreateClient().GetAsync($"/api/users/{Guid.NewGuid()}/posts", Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-5")]
    [InlineData("1.5")]
    public async Task A_bad_limit_is_a_400_naming_limit(string limit)
    {
        var author = await _factory.RegisterAsync();

        var response = await _factory.CreateClient().GetAsync($"/api/users/{author.UserId}/posts?limit={limit}", Ct);

        await response.AssertBadFieldsAsync("limit");
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("garbage")]
    public async Task A_malformed_cursor_is_a_400_naming_cursor(string cursor)
    {
        var author = await _factory.RegisterAsync();

        var response = await _factory.CreateClient().GetAsync($"/api/users/{author.UserId}/posts?cursor={cursor}", Ct);

        await response.AssertBadFieldsAsync("cursor");
    }

    [Fact]
    public async Task The_author_deletes_a_post_and_it_is_gone()
    {
        var author = await _factory.RegisterAsync();
        var kept = await author.CreatePostAsync();
        var deleted = await author.CreatePostAsync();

        var response = await author.Http.DeleteAsync($"/api/posts/{deleted.Id("post_id")}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await author.Http.GetAsync($"/api/posts/{deleted.Id("post_id")}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        var items = await author.Http.ReadAllPagesAsync($"/api/users/{author.UserId}/posts", 20);
        Assert.Equal([kept.Id("post_id")], items.Select(item => item.Id("post_id")));
        await (await author.Http.DeleteAsync($"/api/posts/{deleted.Id("post_id")}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleting_someone_elses_post_is_403_and_keeps_it()
    {
        var author = await _factory.RegisterAsync();
        var other = await _factory.RegisterAsync();
        var post = await author.CreatePostAsync();

        var response = await other.Http.DeleteAsync($"/api/posts/{post.Id("post_id")}", Ct);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await other.Http.GetAsync($"/api/posts/{post.Id("post_id")}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Deleting_an_unknown_post_is_404()
    {
        var author = await _factory.RegisterAsync();

        var response = await author.Http.DeleteAsync($"/api/posts/{Guid.NewGuid()}", Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
