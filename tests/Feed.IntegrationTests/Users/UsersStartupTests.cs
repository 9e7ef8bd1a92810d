using Feed.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.IntegrationTests.Users;

/// <summary>
/// Invalid thresholds stop the service at start-up. The host runs the same start-up validator
/// (<see cref="IStartupValidator"/>, fed by ValidateOnStart) before it serves anything; it is
/// called directly here because a test host that dies while starting can report a disposed
/// service provider instead of the failure that stopped it.
/// </summary>
public sealed class UsersStartupTests
{
    [Theory]
    [InlineData("0", null)]
    [InlineData("3", "4")]
    [InlineData("3", "-1")]
    public void Invalid_influencer_thresholds_stop_the_service_at_start_up(string promotion, string? demotion)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feed:Users:InfluencerFollowerThreshold"] = promotion,
            ["Feed:Users:InfluencerDemotionFollowerThreshold"] = demotion,
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddUsers(configuration).BuildServiceProvider();

        var validation = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Feed:Users:", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_thresholds_pass_start_up_validation()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feed:Users:InfluencerFollowerThreshold"] = "3",
            ["Feed:Users:InfluencerDemotionFollowerThreshold"] = "2",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddUsers(configuration).BuildServiceProvider();

        services.GetRequiredService<IStartupValidator>().Validate();
    }
}
