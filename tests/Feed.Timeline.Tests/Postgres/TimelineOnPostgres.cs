using Feed.SharedKernel.Storage;
using Feed.Testing;
using Feed.Timeline.Tests.Support;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Feed.Timeline.Tests.Postgres;

/// <summary>
/// The Timeline module wired to a PostgreSQL database exactly as the host wires it (storage chosen by
/// configuration, <c>AddFeedStorage</c> then <c>AddTimeline</c>), with the schema applied as start-up
/// applies it. Each instance is one "process": disposing it and starting another is a restart.
/// </summary>
public sealed class TimelineOnPostgres : IModuleOnPostgres<TimelineOnPostgres>
{
    private readonly ServiceProvider _services;

    private TimelineOnPostgres(ServiceProvider services) => _services = services;

    public static string DatabaseName => "timeline";

    internal TimelineStores Stores => TimelineStores.From(_services);

    public IDocumentStore Documents => _services.GetRequiredService<IDocumentStore>();

    public static async Task<TimelineOnPostgres> StartAsync(string connectionString)
    {
        var services = await ModuleOnPostgres.StartAsync(connectionString, (services, configuration) => services.AddTimeline(configuration));
        return new TimelineOnPostgres(services);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
