using System.Net;
using Feed.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.IntegrationTests.Infrastructure;

/// <summary>
/// The real host, in process, with the influencer threshold lowered to 3. By default it runs on the
/// in-memory stores; with <c>FEED_TEST_STORES=postgres-redis</c> (set by build/test.sh for a second
/// run of this suite) every factory gets a fresh PostgreSQL database and a Redis key space of its own,
/// so the whole HTTP behaviour is proven on both store sets. <see cref="WithSettings"/> overrides
/// configuration the way environment variables would. Rate limits are off: the suite registers
/// thousands of users from one address (the rate limit tests turn them on with <see cref="WithSettings"/>).
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

    public static bool OnRealStores =>
        string.Equals(Environment.GetEnvironmentVariable("FEED_TEST_STORES"), "postgres-redis", StringComparison.Ordinal);

    public static FeedApiFactory WithSettings(IReadOnlyDictionary<string, string?> settings) => new(settings);

    /// <summary>Settings that put a host on a fresh PostgreSQL database and its own Redis key space.</summary>
    public static async Task<Dictionary<string, string?>> RealStoreSettingsAsync(int cacheSize = 800) => new()
    {
        ["Feed:Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Postgres"] = await TestServers.CreatePostgresDatabaseAsync("api"),
        ["Feed:Timeline:Cache"] = "Redis",
        ["ConnectionStrings:Redis"] = TestServers.RedisServer,
        ["Feed:Timeline:CacheKeyPrefix"] = $"feed-test-{Guid.NewGuid():N}:",
        ["Feed:Timeline:CacheSize"] = cacheSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string?>
        {
            ["Feed:Users:InfluencerFollowerThreshold"] = "3",
            ["Feed:RateLimits:Enabled"] = "false",
            // A line per request would bury the output of a failing test (RequestLogTests turns it on).
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning",
        };

        // Explicit settings choose their own stores; otherwise the suite's store set applies.
        if (OnRealStores && !_settings.ContainsKey("Feed:Storage:Provider"))
        {
            foreach (var (key, value) in RealStoreSettingsAsync().GetAwaiter().GetResult())
            {
                settings[key] = value;
            }
        }

        foreach (var (key, value) in _settings)
        {
            settings[key] = value;
        }

        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestClientAddress>());

        // UseSetting, not ConfigureAppConfiguration: modules pick their stores from configuration
        // while services are registered, before the latter would be applied.
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>
/// Gives an in-process request the client address named by <see cref="Header"/>, as a real connection
/// has one (the in-process server has none), so tests can act as several clients.
/// </summary>
internal sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var address))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
            }

            return following(context);
        });
        next(app);
    };
}
