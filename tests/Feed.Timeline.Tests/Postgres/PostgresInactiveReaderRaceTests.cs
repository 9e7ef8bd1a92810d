using Feed.Testing;
using Feed.Timeline.Tests.Lifecycle;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Postgres;

/// <summary>The races of the inactive-reader protocol on the PostgreSQL adapters (each test under readers and authors of its own).</summary>
public sealed class PostgresInactiveReaderRaceTests(PostgresDatabase<TimelineOnPostgres> database) : InactiveReaderRaces, IClassFixture<PostgresDatabase<TimelineOnPostgres>>
{
    private protected override TimelineStores CreateStores() => database.Module.Stores;
}
