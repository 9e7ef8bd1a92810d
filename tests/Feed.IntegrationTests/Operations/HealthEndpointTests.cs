using System.Net;
using Feed.IntegrationTests.Infrastructure;

namespace Feed.IntegrationTests.Operations;

/// <summary><c>/health/live</c> says the process answers; <c>/health/ready</c> that this instance can take traffic.</summary>
public sealed class HealthEndpointTests(FeedApiFactory api) : IClassFixture<FeedApiFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_answers_without_checking_any_dependency()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.ReadJsonAsync())["checks"]!.AsObject());
    }

    [Fact]
    public async Task Ready_checks_the_stores_the_schema_and_the_outbox_dispatcher()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var checks = (await response.ReadJsonAsync())["checks"]!.AsObject();
        string[] expected = FeedApiFactory.OnRealStores ? ["outbox_dispatcher", "postgres", "redis", "schema"] : ["outbox_dispatcher"];
        Assert.Equal(expected, checks.Select(check => check.Key).Order(StringComparer.Ordinal));
        Assert.All(checks, check => Assert.Equal("Healthy", check.Value!["status"]!.GetValue<string>()));
    }
}
