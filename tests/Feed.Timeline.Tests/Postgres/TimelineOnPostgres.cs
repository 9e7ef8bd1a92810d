using Feed.SharedKernel.Storage;
using Feed.Testing;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.Timeline.Tests.Postgres;

/// <summary>
/// The Timeline module wired to a PostgreSQL database exactly as the host wires it (storage chosen by
/// configuration, <c>AddFeedStorage</c> then <c>AddTimeline</c>), with the schema applied as start-up
/// applies it. Each instance is one "process": disposing it and starting another is a restart.
/// </summary>
internal sealed class TimelineOnPostgres : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TimelineOnPostgres(ServiceProvider services) => _services = services;

    public ITimelineStore Store => _services.GetRequiredService<ITimelineStore>();

    public IDocumentStore Documents => _services.GetRequiredService<IDocumentStore>();

    public static async Task<TimelineOnPostgres> StartAsync(string connectionString)
    {
        var services = await ModuleOnPostgres.StartAsync(connectionString, (services, configuration) => services.AddTimeline(configuration));
        return new TimelineOnPostgres(services);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

/// <summary>
/// One fresh database per test class, shared by its tests: they never clash because every test
/// writes under partition keys (users, influencers) of its own.
/// </summary>
public sealed class PostgresTimelineDatabase : IAsyncLifetime
{
    private TimelineOnPostgres? _timeline;

    internal string ConnectionString { get; private set; } = "";

    internal TimelineOnPostgres Timeline => _timeline ?? throw new InvalidOperationException("The database is not ready.");

    public async ValueTask InitializeAsync()
    {
        // Throws TestServers' message when FEED_TEST_POSTGRES is missing: these tests fail, never skip.
        ConnectionString = await TestServers.CreatePostgresDatabaseAsync("timeline");
        _timeline = await TimelineOnPostgres.StartAsync(ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_timeline is not null)
        {
            await _timeline.DisposeAsync();
        }
    }
}
