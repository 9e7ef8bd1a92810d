using System.Net;
using Feed.IntegrationTests.Infrastructure;
using Feed.IntegrationTests.Social;
using Feed.IntegrationTests.Users;

namespace Feed.IntegrationTests.Input;

/// <summary>
/// Ada posts twice and is followed by Bob and Cy, whom she follows back: each of the four lists (her
/// posts, her followers, whom she follows, Bob's timeline) has a second page, so a real cursor.
/// </summary>
public sealed class CursorWorld : IAsyncLifetime
{
    public FeedApiFactory Api { get; } = new();

    public FeedUser Ada { get; private set; } = null!;

    public FeedUser Bob { get; private set; } = null!;

    public FeedUser Cy { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Ada = await Api.RegisterAsync();
        Bob = await Api.RegisterAsync();
        Cy = await Api.RegisterAsync();
        foreach (var (follower, followee) in new[] { (Bob, Ada), (Cy, Ada), (Ada, Bob), (Ada, Cy) })
        {
            await follower.FollowAsync(followee);
        }

        await Ada.CreatePostAsync();
        await Ada.CreatePostAsync();
        await Bob.CreatePostAsync();
        await Ada.SettledAsync();
    }

    public async ValueTask DisposeAsync() => await Api.DisposeAsync();

    /// <summary>The list's path for <paramref name="owner"/> and the client that reads it (the timeline is the caller's own).</summary>
    public (string Path, HttpClient Client) List(string kind, FeedUser owner) => kind switch
    {
        "posts" => ($"/api/users/{owner.UserId}/posts", Api.CreateClient()),
        "followers" => ($"/api/users/{owner.UserId}/followers", Api.CreateClient()),
        "following" => ($"/api/users/{owner.UserId}/following", Api.CreateClient()),
        "timeline" => ("/api/timeline", owner.Http),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The owner whose list of this kind has two pages: Bob's timeline, Ada's other lists.</summary>
    public FeedUser OwnerOf(string kind) => kind == "timeline" ? Bob : Ada;

    public async Task<HttpResponseMessage> ReadAsync(string kind, FeedUser owner, string? cursor)
    {
        var (path, client) = List(kind, owner);
        return await client.GetAsync($"{path}?limit=1" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"), TestContext.Current.CancellationToken);
    }

    public async Task<string> FirstCursorAsync(string kind)
    {
        var page = await (await ReadAsync(kind, OwnerOf(kind), cursor: null)).ReadJsonAsync();
        return page["next_cursor"]!.GetValue<string>();
    }
}

public sealed class CursorTests(CursorWorld world) : IClassFixture<CursorWorld>
{
    public static TheoryData<string> Kinds => new() { "posts", "followers", "following", "timeline" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_cursor_continues_its_own_list_url_safe_and_opaque(string kind)
    {
        var cursor = await world.FirstCursorAsync(kind);

        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
        var next = await world.ReadAsync(kind, world.OwnerOf(kind), cursor);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Single((await next.ReadJsonAsync())["items"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task An_edited_or_truncated_cursor_is_a_400_naming_cursor(string kind)
    {
        var cursor = await world.FirstCursorAsync(kind);
        var middle = cursor.Length / 2;
        var edited = cursor[..middle] + (cursor[middle] == 'A' ? 'B' : 'A') + cursor[(middle + 1)..];

        foreach (var wrong in new[] { edited, cursor[..^1], cursor[..^4], cursor + "A" })
        {
            await (await world.ReadAsync(kind, world.OwnerOf(kind), wrong)).AssertFieldErrorAsync("cursor");
        }
    }

    [Theory]
    [InlineData("posts", "timeline")]
    [InlineData("timeline", "posts")]
    [InlineData("followers", "following")]
    [InlineData("following", "followers")]
    [InlineData("posts", "followers")]
    public async Task A_cursor_of_another_kind_of_list_is_a_400_naming_cursor(string from, string to)
    {
        var cursor = await world.FirstCursorAsync(from);

        var message = await (await world.ReadAsync(to, world.OwnerOf(to), cursor)).AssertFieldErrorAsync("cursor");

        Assert.Contains("different list", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_cursor_of_another_users_list_is_a_400_naming_cursor(string kind)
    {
        var cursor = await world.FirstCursorAsync(kind);
        var other = kind == "timeline" ? world.Cy : world.Bob;

        await (await world.ReadAsync(kind, other, cursor)).AssertFieldErrorAsync("cursor");
    }
}
