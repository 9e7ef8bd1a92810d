using Feed.SharedKernel.Http;
using Feed.SharedKernel.Paging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.IntegrationTests.Input;

/// <summary>A missing or short cursor key, or a limit out of range, stops the service at start-up (the same validator the host runs).</summary>
public sealed class InputStartupTests
{
    private static void Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddPageCursors(configuration).AddFeedRequestLimits(configuration).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData(null, "Feed:Cursors:SigningKey is required")]
    [InlineData("too-short", "Feed:Cursors:SigningKey must be at least 32 characters")]
    public void A_missing_or_short_cursor_key_stops_start_up(string? key, string message)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Validate(new() { ["Feed:Cursors:SigningKey"] = key }));

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Feed:Http:MaxRequestBodyBytes", "0")]
    [InlineData("Feed:Http:MaxRequestTargetLength", "10")]
    [InlineData("Feed:Http:MaxRequestHeadersBytes", "-1")]
    public void A_limit_out_of_range_stops_start_up(string setting, string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Validate(new()
        {
            ["Feed:Cursors:SigningKey"] = "a-test-only-cursor-key-of-32-characters-at-least",
            [setting] = value,
        }));

        Assert.Contains(setting.Split(':')[^1], failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_enough_key_and_the_default_limits_pass()
    {
        Validate(new() { ["Feed:Cursors:SigningKey"] = "a-test-only-cursor-key-of-32-characters-at-least" });

        Assert.Equal(64 * 1024, new RequestLimitsOptions().MaxRequestBodyBytes);
    }
}
