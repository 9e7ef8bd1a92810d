using System.Net.Http.Headers;
using Feed.IntegrationTests.Client;
using Feed.IntegrationTests.Infrastructure;
using Feed.Testing;

namespace Feed.IntegrationTests.Api;

/// <summary>
/// The README's story, told by a client generated from the committed OpenAPI document
/// (<c>obj/FeedApiClient.g.cs</c>, made by NSwag at build time from the snapshot of
/// <see cref="OpenApiDocumentTests"/>): what a user of the document gets, against the real host.
/// A contract change that breaks generated clients breaks the build or this test.
/// </summary>
public sealed class GeneratedClientTests(FeedApiFactory factory) : IClassFixture<FeedApiFactory>
{
    private const string AdaPassword = "analytical-engine";
    private const string BobPassword = "difference-engine";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_readme_story_runs_on_a_client_generated_from_the_document()
    {
        var anonymous = new FeedApiClient(factory.CreateClient());
        var (adaName, bobName) = (FeedClient.UniqueName("ada"), FeedClient.UniqueName("bob"));
        var registered = await anonymous.RegisterUserAsync(Registration(adaName, "Ada", "Lovelace", AdaPassword), Ct);
        await anonymous.RegisterUserAsync(Registration(bobName, "Bob", "Babbage", BobPassword), Ct);
        Assert.Equal(adaName, registered.Username);
        Assert.Equal($"{adaName}@example.com", registered.Email);

        var asAda = await SignedInAsync(anonymous, adaName, AdaPassword);
        var asBob = await SignedInAsync(anonymous, bobName, BobPassword);
        Assert.Equal(bobName, (await asBob.GetOwnProfileAsync(Ct)).Username);

        // Bob finds Ada by her username, as the README does with curl, and follows her.
        var ada = Assert.Single((await anonymous.SearchUsersAsync(adaName, limit: 10, Ct)).Items);
        Assert.Equal(registered.User_id, ada.User_id);
        await asBob.FollowUserAsync(ada.User_id, Ct);
        Assert.Equal([bobName], (await anonymous.ListFollowersAsync(ada.User_id, limit: null, cursor: null, Ct)).Items.Select(follower => follower.Username));

        var posts = new List<PostResponse>();
        for (var i = 1; i <= 5; i++)
        {
            posts.Add(await asAda.CreatePostAsync(new CreatePostRequest { Post_url = $"https://images.example.com/{i}.jpg", Post_type = i % 2 == 0 ? "video" : "image" }, Ct));
        }

        var expected = PageOrder.NewestFirst(posts, post => post.Created_on, post => post.Post_id).Select(post => post.Post_id);
        Assert.Equal(expected, (await ReadWholeTimelineAsync(asBob, limit: 2)).Select(item => item.Post_id));

        // Ada deletes a post: it leaves Bob's timeline.
        await asAda.DeletePostAsync(posts[2].Post_id, Ct);
        var remaining = await ReadWholeTimelineAsync(asBob, limit: 2);
        Assert.Equal(expected.Where(id => id != posts[2].Post_id), remaining.Select(item => item.Post_id));

        // A bad request is a problem document whose errors name the field.
        var problem = await Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(() => asBob.GetTimelineAsync(limit: 0, cancellationToken: Ct));
        Assert.Equal(400, problem.StatusCode);
        Assert.Equal(400, problem.Result.Status);
        var limitErrors = Assert.Single(problem.Result.Errors!).Value;
        Assert.Contains("'limit' must be between 1 and 100.", limitErrors);
        Assert.Equal("limit", Assert.Single(problem.Result.Errors!).Key);
    }

    [Fact]
    public async Task Without_a_token_the_generated_client_gets_the_declared_401_problem()
    {
        var anonymous = new FeedApiClient(factory.CreateClient());

        var problem = await Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => anonymous.GetTimelineAsync(cancellationToken: Ct));

        Assert.Equal(401, problem.StatusCode);
        Assert.Equal(401, problem.Result.Status);
    }

    [Fact]
    public async Task A_body_the_api_refuses_is_a_400_naming_each_field()
    {
        var anonymous = new FeedApiClient(factory.CreateClient());

        var problem = await Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(() =>
            anonymous.RegisterUserAsync(new RegisterUser { Username = FeedClient.UniqueName(), First_name = "Ada", Last_name = "Lovelace", Email = "not an address", Password = AdaPassword, Age = 7 }, Ct));

        Assert.Equal(["age", "email"], problem.Result.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    private static RegisterUser Registration(string username, string firstName, string lastName, string password) => new()
    {
        Username = username,
        First_name = firstName,
        Last_name = lastName,
        Email = $"{username}@example.com",
        Password = password,
    };

    /// <summary>A client that sends the user's bearer token, as the document's security scheme says.</summary>
    private async Task<FeedApiClient> SignedInAsync(FeedApiClient anonymous, string username, string password)
    {
        var token = await anonymous.IssueTokenAsync(new IssueToken { Username = username, Password = password }, Ct);
        Assert.Equal("Bearer", token.Token_type);
        Assert.True(token.Expires_in > 0);
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Access_token);
        return new FeedApiClient(http);
    }

    /// <summary>Follows next_cursor until it is null; every page but the last is full.</summary>
    private async Task<List<TimelineItem>> ReadWholeTimelineAsync(FeedApiClient reader, int limit)
    {
        await factory.WhenOutboxIdleAsync(); // fan-out and deletion are delivered in the background
        var items = new List<TimelineItem>();
        string? cursor = null;
        do
        {
            var page = await reader.GetTimelineAsync(limit, cursor, Ct);
            items.AddRange(page.Items);
            cursor = page.Next_cursor;
            Assert.True(cursor is null ? page.Items.Count <= limit : page.Items.Count == limit, "only the last page may be short");
            Assert.True(items.Count <= 1000, "paging never ended");
        }
        while (cursor is not null);

        return items;
    }
}
