namespace Feed.Timeline.Tests.Postgres;

/// <summary>
/// The paging properties with every range read, cursor comparison and tie answered by PostgreSQL.
/// All scenarios share one database (each writes under new ids); fewer of them than in memory, since
/// every store call is a round trip.
/// </summary>
public sealed class PostgresTimelinePagingProperties(PostgresTimelineDatabase database) : TimelinePagingProperties, IClassFixture<PostgresTimelineDatabase>
{
    protected override long PagingIterations => 50;

    protected override long RereadIterations => 30;

    private protected override ITimelineStore CreateStore() => database.Timeline.Store;
}
