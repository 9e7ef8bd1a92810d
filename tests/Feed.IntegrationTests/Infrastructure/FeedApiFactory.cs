using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Feed.IntegrationTests.Infrastructure;

/// <summary>
/// The real host, in process, on the in-memory stores. Settings override configuration the way
/// environment variables would (e.g. <c>Feed:Users:InfluencerFollowerThreshold</c>).
/// </summary>
public sealed class FeedApiFactory(IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public FeedApiFactory()
        : this(null)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Feed:Users:InfluencerFollowerThreshold"] = "3",
            });
            if (settings is not null)
            {
                configuration.AddInMemoryCollection(settings);
            }
        });
    }
}
