using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Feed.IntegrationTests.Infrastructure;

/// <summary>
/// The real host, in process, on the in-memory stores, with the influencer threshold lowered to 3.
/// <see cref="WithSettings"/> overrides configuration the way environment variables would
/// (e.g. <c>Feed:Timeline:InfluencerGroupSize</c>).
/// </summary>
public sealed class FeedApiFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    /// <summary>The one public constructor, so the factory can be an xunit class fixture.</summary>
    public FeedApiFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    private FeedApiFactory(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    public static FeedApiFactory WithSettings(IReadOnlyDictionary<string, string?> settings) => new(settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Feed:Users:InfluencerFollowerThreshold"] = "3",
            });
            configuration.AddInMemoryCollection(_settings);
        });
    }
}
