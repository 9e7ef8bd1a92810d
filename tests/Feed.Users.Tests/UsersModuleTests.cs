using Feed.SharedKernel.Outbox;
using Feed.Users.InMemory;
using Feed.Users.Profiles.SearchUsers;
using Feed.Users.Registration.RegisterUser;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Feed.Users.Tests;

public sealed class UsersModuleTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)))
            .Build();
        return new ServiceCollection().AddLogging().AddFeedOutbox(configuration).AddUsers(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Registers_one_shared_in_memory_store_by_default_and_the_validators()
    {
        using var services = Build();

        Assert.IsType<InMemoryUserStore>(services.GetRequiredService<IUserStore>());
        Assert.Same(services.GetRequiredService<IUserStore>(), services.GetRequiredService<IUserStore>());
        Assert.IsType<RegisterUserValidator>(Assert.Single(services.GetServices<IValidator<RegisterUser>>()));
        Assert.IsType<SearchUsersValidator>(Assert.Single(services.GetServices<IValidator<SearchUsers>>()));
    }

    [Fact]
    public void Binds_thresholds_from_configuration_with_the_demotion_default()
    {
        using var services = Build(("Feed:Users:InfluencerFollowerThreshold", "3"));

        var options = services.GetRequiredService<IOptions<UsersOptions>>().Value;

        Assert.Equal(new Feed.Users.Influence.InfluencerThresholds(3, 2), options.ToThresholds());
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("10", "11")]
    [InlineData("10", "-1")]
    public void Refuses_invalid_thresholds(string promotion, string? demotion)
    {
        var settings = new List<(string, string)> { ("Feed:Users:InfluencerFollowerThreshold", promotion) };
        if (demotion is not null)
        {
            settings.Add(("Feed:Users:InfluencerDemotionFollowerThreshold", demotion));
        }

        using var services = Build([.. settings]);

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<UsersOptions>>().Value);
    }
}
