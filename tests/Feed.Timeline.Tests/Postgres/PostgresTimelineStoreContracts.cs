using Feed.Testing;
using Feed.Timeline.Tests.StoreContracts;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Postgres;

// The store contracts against the PostgreSQL adapters on a real PostgreSQL, one database per port.

public sealed class PostgresTimelinePostStoreTests(PostgresDatabase<TimelineOnPostgres> database) : TimelinePostStoreContract, IClassFixture<PostgresDatabase<TimelineOnPostgres>>
{
    private protected override TimelineStores CreateStores() => database.Module.Stores;
}

public sealed class PostgresTimelineRowStoreTests(PostgresDatabase<TimelineOnPostgres> database) : TimelineRowStoreContract, IClassFixture<PostgresDatabase<TimelineOnPostgres>>
{
    private protected override TimelineStores CreateStores() => database.Module.Stores;
}

public sealed class PostgresTimelineReaderStoreTests(PostgresDatabase<TimelineOnPostgres> database) : TimelineReaderStoreContract, IClassFixture<PostgresDatabase<TimelineOnPostgres>>
{
    private protected override TimelineStores CreateStores() => database.Module.Stores;
}

public sealed class PostgresFanOutProgressStoreTests(PostgresDatabase<TimelineOnPostgres> database) : FanOutProgressStoreContract, IClassFixture<PostgresDatabase<TimelineOnPostgres>>
{
    private protected override TimelineStores CreateStores() => database.Module.Stores;
}
