using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Feed.EndToEndTests;

/// <summary>What a person does on the page, and where each test's screenshot goes.</summary>
internal static class WebPages
{
    public static string ArtifactsDirectory { get; } = FindArtifacts();

    public static async Task SignInAsync(this IPage page, ApiUser user)
    {
        await page.GotoAsync("/");
        var form = page.GetByTestId("sign-in");
        await form.GetByLabel("Username").FillAsync(user.Username);
        await form.GetByLabel("Password").FillAsync(user.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("sign-out")).ToBeVisibleAsync();
    }

    /// <summary>The home timeline is showing and its live stream is connected: events from now on reach the page.</summary>
    public static async Task WhenLiveAsync(this IPage page) =>
        await Expect(page.Locator("body[data-live='open']")).ToHaveCountAsync(1);

    public static ILocator Posts(this IPage page) => page.GetByTestId("timeline").GetByTestId("post");

    public static ILocator PostsBy(this IPage page, ApiUser author) =>
        page.Posts().Filter(new() { Has = page.GetByTestId("post-author").GetByText(author.Username, new() { Exact = true }) });

    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, name + ".png") });
    }

    private static string FindArtifacts()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Feed.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "artifacts", "e2e");
    }
}
