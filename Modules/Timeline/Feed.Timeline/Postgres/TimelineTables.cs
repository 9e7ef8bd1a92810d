using Marten;
using Weasel.Postgresql.Tables;

namespace Feed.Timeline.Postgres;

/// <summary>
/// The Timeline module's PostgreSQL tables, laid out as the design's CQL tables: the primary key is
/// the partition key first, then the clustering columns, so every read of a partition is one range
/// scan of the primary key index.
/// </summary>
/// <remarks>
/// The design's clustering order is created_on DESC, post_id DESC. PostgreSQL does not accept a sort
/// order in a PRIMARY KEY (nor a descending index as one), so Weasel cannot express it either. It is
/// not needed: a B-tree is scanned in both directions, and reading (created_on DESC, post_id DESC),
/// both columns reversed, is a backward scan of the ascending key with no sort. A second, descending
/// unique index would only double the index writes of fan-out, the hottest write path.
/// </remarks>
internal static class TimelineTables
{
    /// <summary>One row per (reader, pushed post): the reader's home timeline.</summary>
    public const string Timeline = "timeline";

    /// <summary>One row per influencer post, read by pull when a follower reads a timeline.</summary>
    public const string InfluencerPosts = "influencer_posts";

    /// <summary>The Timeline module's copy of each post (its read model), keyed by post id.</summary>
    public const string Posts = "timeline_posts";

    /// <summary>The ids of removed posts, so that a late or repeated PostCreated never brings one back.</summary>
    public const string RemovedPosts = "timeline_removed_posts";

    /// <summary>One row per user who has read their timeline: when last, and whether a rebuild is unfinished.</summary>
    public const string Readers = "timeline_readers";

    /// <summary>
    /// Authors who had an influencer_posts row removed: they stay read by pull (with those who have rows), so
    /// that the pulled authors only ever grow. Like <see cref="RemovedPosts"/>, a record that is never deleted.
    /// </summary>
    public const string PulledAuthors = "timeline_pulled_authors";

    /// <summary>One row per unfinished fan-out: the follower cursor it resumes from after a crash.</summary>
    public const string FanOutProgress = "timeline_fanout_progress";

    /// <summary>Adds the tables to Marten's schema, which creates or migrates them idempotently at start-up.</summary>
    public static void Configure(StoreOptions options)
    {
        options.Storage.ExtendedSchemaObjects.Add(TimelineRows());
        options.Storage.ExtendedSchemaObjects.Add(InfluencerPostRows());
        options.Storage.ExtendedSchemaObjects.Add(PostRows());
        options.Storage.ExtendedSchemaObjects.Add(ReaderRows());
        options.Storage.ExtendedSchemaObjects.Add(RemovedPostRows());
        options.Storage.ExtendedSchemaObjects.Add(FanOutProgressRows());
        options.Storage.ExtendedSchemaObjects.Add(PulledAuthorRows());
    }

    private static Table TimelineRows()
    {
        var table = new Table(Timeline);
        table.AddColumn<Guid>("user_id").AsPrimaryKey();
        table.AddColumn<DateTimeOffset>("created_on").AsPrimaryKey();
        table.AddColumn<Guid>("post_id").AsPrimaryKey();
        table.AddColumn<Guid>("author_id").NotNull();
        return table;
    }

    private static Table InfluencerPostRows()
    {
        var table = new Table(InfluencerPosts);
        table.AddColumn<Guid>("influencer_id").AsPrimaryKey();
        table.AddColumn<DateTimeOffset>("created_on").AsPrimaryKey();
        table.AddColumn<Guid>("post_id").AsPrimaryKey();
        return table;
    }

    private static Table PostRows()
    {
        var table = new Table(Posts);
        table.AddColumn<Guid>("post_id").AsPrimaryKey();
        table.AddColumn<Guid>("author_id").NotNull();
        table.AddColumn("post_url", "text").NotNull();
        table.AddColumn("post_type", "text").NotNull();
        table.AddColumn<DateTimeOffset>("created_on").NotNull();
        return table;
    }

    private static Table RemovedPostRows()
    {
        var table = new Table(RemovedPosts);
        table.AddColumn<Guid>("post_id").AsPrimaryKey();
        return table;
    }

    private static Table ReaderRows()
    {
        var table = new Table(Readers);
        table.AddColumn<Guid>("user_id").AsPrimaryKey();
        table.AddColumn<DateTimeOffset>("last_read_on").NotNull();
        table.AddColumn<DateTimeOffset>("rebuild_started_on");
        return table;
    }

    private static Table PulledAuthorRows()
    {
        var table = new Table(PulledAuthors);
        table.AddColumn<Guid>("author_id").AsPrimaryKey();
        return table;
    }

    private static Table FanOutProgressRows()
    {
        var table = new Table(FanOutProgress);
        table.AddColumn<Guid>("post_id").AsPrimaryKey();
        table.AddColumn<string>("follower_cursor").NotNull();
        return table;
    }
}
