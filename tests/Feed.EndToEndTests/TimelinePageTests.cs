using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Feed.EndToEndTests;

/// <summary>
/// The web client in chromium against the running API: signing in, following, the live banner, infinite
/// scroll, unfollowing and a problem shown at its field. Every wait is one of Playwright's auto-waiting
/// expectations (bounded by FEED_TEST_PATIENCE_SECONDS), never a fixed sleep.
/// </summary>
public sealed class TimelinePageTests(ApiServer api, Browser browser) : IClassFixture<ApiServer>, IClassFixture<Browser>
{
    [Fact]
    public async Task A_reader_signs_in_follows_an_author_and_sees_a_new_post_behind_the_banner()
    {
        var reader = await api.RegisterAsync("reader");
        var author = await api.RegisterAsync("author");
        var influencer = await api.RegisterAsync("star");
        var older = await api.PostAsync(author, 11);
        foreach (var fan in new[] { reader, await api.RegisterAsync("fan"), await api.RegisterAsync("fan"), await api.RegisterAsync("fan") })
        {
            await ApiServer.FollowAsync(fan, influencer); // 3 followers make an influencer here
        }

        await api.PostAsync(influencer, 12);
        await api.SettledAsync();
        var page = await browser.NewPageAsync(api.BaseUrl);

        await page.SignInAsync(reader);
        await page.GetByTestId("nav-search").ClickAsync();
        await page.GetByTestId("search").GetByLabel("Username starts with").FillAsync(author.Username);
        await page.GetByTestId("search").GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByTestId($"follow-{author.Username}").ClickAsync();
        await Expect(page.GetByTestId($"follow-{author.Username}")).ToHaveTextAsync("Unfollow");
        await page.GetByTestId("nav-home").ClickAsync();
        await Expect(page.Locator($"[data-post-id='{older}']")).ToBeVisibleAsync();
        // The influencer's post is pulled into the timeline and marked.
        await Expect(page.PostsBy(influencer).GetByTestId("influencer-badge")).ToBeVisibleAsync();
        await page.WhenLiveAsync();

        var newer = await api.PostAsync(author, 13);

        var banner = page.GetByTestId("new-posts-banner");
        await Expect(banner).ToHaveTextAsync("1 new post");
        await Expect(page.Locator($"[data-post-id='{newer}']")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("banner");
        await banner.ClickAsync();
        await Expect(page.Posts().First).ToHaveAttributeAsync("data-post-id", newer);
        await Expect(banner).ToBeHiddenAsync();
        await page.ScreenshotAsync("timeline");
    }

    [Fact]
    public async Task Scrolling_reads_page_after_page_and_shows_no_post_twice()
    {
        var reader = await api.RegisterAsync("scroller");
        var authors = new[] { await api.RegisterAsync("poet"), await api.RegisterAsync("painter") };
        var posted = new HashSet<string>();
        foreach (var author in authors)
        {
            await ApiServer.FollowAsync(reader, author);
        }

        for (var i = 0; i < 36; i++)
        {
            posted.Add(await api.PostAsync(authors[i % 2], 100 + i));
        }

        await api.SettledAsync();
        var page = await browser.NewPageAsync(api.BaseUrl);
        await page.SignInAsync(reader);

        // Pages of 10: the first fills the window; each scroll to the end of the list brings the next, until the last.
        await Expect(page.Posts()).ToHaveCountAsync(10);
        foreach (var shown in new[] { 20, 30, 36 })
        {
            await page.GetByTestId("timeline-end").ScrollIntoViewIfNeededAsync();
            await Expect(page.Posts()).ToHaveCountAsync(shown);
        }

        await Expect(page.GetByTestId("timeline-end")).ToHaveTextAsync("You are all caught up.");
        var ids = await page.Posts().EvaluateAllAsync<string[]>("posts => posts.map(post => post.dataset.postId)");
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Equal(posted, ids.ToHashSet());
        await page.ScreenshotAsync("scrolled");
    }

    [Fact]
    public async Task Unfollowing_an_author_takes_their_posts_out_of_the_timeline()
    {
        var reader = await api.RegisterAsync("leaver");
        var kept = await api.RegisterAsync("kept");
        var left = await api.RegisterAsync("left");
        await ApiServer.FollowAsync(reader, kept);
        await ApiServer.FollowAsync(reader, left);
        await api.PostAsync(kept, 21);
        await api.PostAsync(left, 22);
        await api.PostAsync(left, 23);
        await api.SettledAsync();
        var page = await browser.NewPageAsync(api.BaseUrl);
        await page.SignInAsync(reader);
        await Expect(page.PostsBy(left)).ToHaveCountAsync(2);

        await page.PostsBy(left).First.GetByTestId("post-author").ClickAsync();
        await Expect(page.GetByTestId("profile-username")).ToHaveTextAsync(left.Username);
        await page.GetByTestId($"follow-{left.Username}").ClickAsync();
        await Expect(page.GetByTestId($"follow-{left.Username}")).ToHaveTextAsync("Follow");
        await page.GetByTestId("nav-home").ClickAsync();

        await Expect(page.PostsBy(kept)).ToHaveCountAsync(1);
        await Expect(page.PostsBy(left)).ToHaveCountAsync(0);
        await page.ScreenshotAsync("unfollowed");
    }

    [Fact]
    public async Task A_post_deleted_by_its_author_leaves_an_open_timeline_at_once()
    {
        var reader = await api.RegisterAsync("watcher");
        var author = await api.RegisterAsync("regretful");
        await ApiServer.FollowAsync(reader, author);
        var post = await api.PostAsync(author, 31);
        await api.SettledAsync();
        var page = await browser.NewPageAsync(api.BaseUrl);
        await page.SignInAsync(reader);
        await Expect(page.Locator($"[data-post-id='{post}']")).ToBeVisibleAsync();
        await page.WhenLiveAsync();

        var authorPage = await browser.NewPageAsync(api.BaseUrl);
        await authorPage.SignInAsync(author);
        await authorPage.GetByTestId("nav-me").ClickAsync();
        await authorPage.Locator($"[data-post-id='{post}']").GetByTestId("delete-post").ClickAsync();
        await Expect(authorPage.Locator($"[data-post-id='{post}']")).ToHaveCountAsync(0);

        await Expect(page.Locator($"[data-post-id='{post}']")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("deleted");
    }

    [Fact]
    public async Task A_stream_that_was_cut_offers_the_posts_it_missed_once_it_is_back()
    {
        var reader = await api.RegisterAsync("traveller");
        var author = await api.RegisterAsync("diarist");
        await ApiServer.FollowAsync(reader, author);
        var before = await api.PostAsync(author, 41);
        await api.SettledAsync();
        var page = await browser.NewPageAsync(api.BaseUrl);
        // Keeps the page's streams within reach, so that the test can drop one as the network would.
        await page.AddInitScriptAsync("(() => { const Native = window.EventSource; window.liveStreams = []; window.EventSource = class extends Native { constructor(...args) { super(...args); window.liveStreams.push(this); } }; })()");
        await page.SignInAsync(reader);
        await Expect(page.Locator($"[data-post-id='{before}']")).ToBeVisibleAsync();
        await page.WhenLiveAsync();

        // The connection drops (a train's tunnel, a deploy): the browser closes the stream and reports an
        // error, and what is posted before the page connects again reaches no stream of this reader's.
        await page.RouteAsync("**/api/timeline/stream-token", route => route.AbortAsync());
        await page.EvaluateAsync("() => { const stream = window.liveStreams.at(-1); stream.close(); stream.dispatchEvent(new Event('error')); }");
        await Expect(page.Locator("body[data-live='closed']")).ToHaveCountAsync(1);
        var missed = await api.PostAsync(author, 42);
        await api.SettledAsync();
        await page.UnrouteAsync("**/api/timeline/stream-token");
        await page.WhenLiveAsync();

        var banner = page.GetByTestId("new-posts-banner");
        await Expect(banner).ToHaveTextAsync("New posts: show them");
        await banner.ClickAsync();
        await Expect(page.Posts().First).ToHaveAttributeAsync("data-post-id", missed);
        await page.ScreenshotAsync("reconnected");
    }

    [Fact]
    public async Task An_api_error_is_shown_next_to_the_field_it_names()
    {
        var page = await browser.NewPageAsync(api.BaseUrl);
        await page.GotoAsync("/");
        var register = page.GetByTestId("register");
        await register.GetByLabel("Username").FillAsync(ApiServer.UniqueName("typo"));
        await register.GetByLabel("First name").FillAsync("Tess");
        await register.GetByLabel("Last name").FillAsync("Typo");
        await register.GetByLabel("Email").FillAsync("not an email");
        await register.GetByLabel("Password").FillAsync("correct horse battery staple");

        await register.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        await Expect(register.GetByTestId("error-email")).ToContainTextAsync("email");
        await Expect(register.GetByLabel("Email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(register.GetByTestId("error-username")).ToBeEmptyAsync();
        await page.ScreenshotAsync("field-error");
    }
}
