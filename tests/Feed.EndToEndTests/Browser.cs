using Microsoft.Playwright;

namespace Feed.EndToEndTests;

/// <summary>
/// One headless chromium for the test run: Debian's (<c>/usr/bin/chromium</c>, or
/// <c>FEED_TEST_CHROMIUM</c>), since Playwright's own browser download is not available here. Without it
/// the tests skip when run by hand, and fail when <c>FEED_TEST_E2E=required</c> (build/test.sh sets it):
/// a CI run that silently skipped the browser would claim coverage it does not have.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("FEED_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("FEED_TEST_E2E"), "required", StringComparison.Ordinal);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            if (Required)
            {
                throw new InvalidOperationException($"FEED_TEST_E2E=required but there is no chromium at {ExecutablePath}: install it (apt-get install -y chromium) or set FEED_TEST_CHROMIUM.");
            }

            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
    }

    /// <summary>A fresh browser context (its own sessionStorage) with one page; skips the test when there is no chromium.</summary>
    public async Task<IPage> NewPageAsync(string baseUrl)
    {
        if (_browser is null)
        {
            Assert.Skip($"No chromium at {ExecutablePath} (set FEED_TEST_E2E=required to make this a failure).");
        }

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 900, Height = 1000 } });
        context.SetDefaultTimeout((float)Feed.Testing.Patience.Timeout.TotalMilliseconds);
        Assertions.SetDefaultExpectTimeout((float)Feed.Testing.Patience.Timeout.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
