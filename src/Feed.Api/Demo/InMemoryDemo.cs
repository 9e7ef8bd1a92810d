using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Feed.Demo.Graph;
using Feed.SharedKernel.Storage;
using Microsoft.AspNetCore.Identity;

namespace Feed.Api.Demo;

/// <summary>
/// <c>Feed:Demo</c>: fills the in-memory store with a generated graph at start-up (the <c>seed</c>
/// command fills PostgreSQL; a separate process cannot reach this process's memory).
/// </summary>
internal sealed class DemoOptions
{
    public const string SectionName = "Feed:Demo";

    /// <summary>Accounts to generate; 0 (the default) generates none.</summary>
    [Range(0, 100_000, ErrorMessage = "Feed:Demo:Users must be between 0 and 100000 (0: no demo data).")]
    public int Users { get; set; }

    public int Seed { get; set; } = 20240501;

    /// <summary>Where the demo is browsed: post URLs are absolute, and the page loads images of its own origin only.</summary>
    [Url(ErrorMessage = "Feed:Demo:ImageBaseUrl must be an absolute URL, e.g. http://localhost:5080.")]
    public string ImageBaseUrl { get; set; } = Feed.Demo.DemoSeed.DefaultImageBaseUrl;
}

internal static class InMemoryDemo
{
    /// <summary>Fast hashes for a demo process: every seeded account has the same, published password.</summary>
    private const int DemoHashIterations = 1000;

    public static WebApplicationBuilder AddFeedDemo(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DemoOptions>()
            .Bind(builder.Configuration.GetSection(DemoOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(demo => demo.Users == 0 || demo.Users >= DemoGraph.MinUsers, $"Feed:Demo:Users must be 0 or at least {DemoGraph.MinUsers}.")
            .ValidateOnStart();
        var users = builder.Configuration.GetSection(DemoOptions.SectionName).GetValue<int>(nameof(DemoOptions.Users));
        if (users <= 0)
        {
            return builder;
        }

        if (builder.Configuration.UsesPostgres())
        {
            throw new InvalidOperationException("Feed:Demo:Users fills the in-memory store; for PostgreSQL run `dotnet run --project src/Feed.Api -- seed --users N`.");
        }

        // The graph's influencers (audiences from users / 20) become influencers here too.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Feed:Users:InfluencerFollowerThreshold"] = (users / 20).ToString(CultureInfo.InvariantCulture),
        });

        services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = DemoHashIterations);
        services.AddHostedService<InMemoryDemoSeeder>();
        return builder;
    }
}
