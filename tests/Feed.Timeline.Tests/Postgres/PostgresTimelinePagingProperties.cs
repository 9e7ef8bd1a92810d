using Feed.Testing;
using Feed.Timeline.Tests.Support;

namespace Feed.Timeline.Tests.Postgres;

/// <summary>
/// The paging properties with every range read, cursor comparison and tie answered by PostgreSQL.
/// All scenarios share one database (each writes under new ids); fewer of them than in memory, since
/// every store call is a round trip.
/// </summary>
public sealed class PostgresTimelinePagingProperties(PostgresDatabase<TimelineOnPostgres> database) : TimelinePagingProperties, IClassFixture<PostgresDatabase<TimelineOnPostgres>>
{
    protected override long PagingIterations => 50;

    protected override long RereadIterations => 30;

    private protected override TimelineStores CreateStores() => database.Module.Stores;
}
