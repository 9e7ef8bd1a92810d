using System.Net;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Api;

/// <summary><c>/health</c> names each dependency the configuration uses, with its status.</summary>
public sealed class HealthTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    [Fact]
    public async Task Health_reports_each_dependency_of_the_chosen_stores()
    {
        var response = await api.CreateClient().GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = await response.ReadJsonAsync();
        Assert.Equal("Healthy", health["status"]!.GetValue<string>());
        var checks = health["checks"]!.AsObject();
        string[] expected = FeedApiFactory.OnRealStores ? ["postgres", "redis"] : [];
        Assert.Equal(expected, checks.Select(check => check.Key).Order(StringComparer.Ordinal));
        Assert.All(checks, check => Assert.Equal("Healthy", check.Value!["status"]!.GetValue<string>()));
    }
}
