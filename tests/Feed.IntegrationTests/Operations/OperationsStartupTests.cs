using Feed.Api;
using Feed.SharedKernel.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.IntegrationTests.Operations;

/// <summary>
/// Each operations setting out of range stops the service at start-up with a message naming it (the
/// same start-up validator the host runs, called directly as in <c>UsersStartupTests</c>).
/// </summary>
public sealed class OperationsStartupTests
{
    private static void Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddFeedRateLimits(configuration).AddFeedOperations(configuration).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData("Feed:RateLimits:TokenPerMinute", "0")]
    [InlineData("Feed:RateLimits:TokenBurst", "-1")]
    [InlineData("Feed:RateLimits:RegistrationPerMinute", "0")]
    [InlineData("Feed:RateLimits:RegistrationBurst", "100001")]
    [InlineData("Feed:RateLimits:WritesPerMinute", "0")]
    [InlineData("Feed:RateLimits:WritesBurst", "0")]
    [InlineData("Feed:Telemetry:PrometheusPath", "metrics")]
    [InlineData("Feed:Shutdown:Timeout", "00:00:00")]
    [InlineData("Feed:Shutdown:Timeout", "01:00:00")]
    public void A_setting_out_of_range_stops_start_up_naming_it(string setting, string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Validate(new() { [setting] = value }));

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_pass_and_limit_what_a_person_never_reaches()
    {
        Validate([]);

        var limits = new RateLimitOptions();
        Assert.True(limits.Enabled);
        Assert.Equal((10, 5), (limits.TokenPerMinute, limits.TokenBurst));
    }
}
