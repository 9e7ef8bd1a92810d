using Weasel.Postgresql.Tables;

namespace Feed.Social.Postgres;

/// <summary>
/// The Social module's PostgreSQL tables, keyed as the design's wide-column tables: the primary key
/// is the partition key followed by the clustering columns, so every partition read is one range
/// scan of the primary key index. A PostgreSQL primary key is always ascending; the newest-first
/// reads walk it backwards, which costs the same. Marten creates or migrates them at start-up.
/// </summary>
internal static class SocialTables
{
    public const string PostIdIndex = "ux_posts_post_id";
    public const string FollowersPairIndex = "ux_followers_followee_id_follower_id";
    public const string FollowingPairIndex = "ux_following_follower_id_followee_id";

    public static IReadOnlyList<Table> All() => [Posts(), Followers(), Following(), FollowerCounts()];

    /// <summary><c>posts</c>: partition user_id, clustering (created_on, post_id); post_id alone is unique for reads by id.</summary>
    public static Table Posts()
    {
        var table = new Table("posts");
        table.AddColumn("user_id", "uuid").AsPrimaryKey();
        table.AddColumn("created_on", "timestamptz").AsPrimaryKey();
        table.AddColumn("post_id", "uuid").AsPrimaryKey();
        table.AddColumn("post_url", "text").NotNull();
        table.AddColumn("post_type", "text").NotNull();
        table.AddColumn("updated_on", "timestamptz").NotNull();
        table.Indexes.Add(new IndexDefinition(PostIdIndex) { Columns = ["post_id"], IsUnique = true });
        return table;
    }

    /// <summary><c>followers</c>: partition followee_id, clustering (created_on, follower_id); one row per pair.</summary>
    public static Table Followers()
    {
        var table = new Table("followers");
        table.AddColumn("followee_id", "uuid").AsPrimaryKey();
        table.AddColumn("created_on", "timestamptz").AsPrimaryKey();
        table.AddColumn("follower_id", "uuid").AsPrimaryKey();
        table.AddColumn("updated_on", "timestamptz").NotNull();
        table.Indexes.Add(new IndexDefinition(FollowersPairIndex) { Columns = ["followee_id", "follower_id"], IsUnique = true });
        return table;
    }

    /// <summary><c>following</c>, the reverse of <c>followers</c>: partition follower_id, clustering (created_on, followee_id).</summary>
    public static Table Following()
    {
        var table = new Table("following");
        table.AddColumn("follower_id", "uuid").AsPrimaryKey();
        table.AddColumn("created_on", "timestamptz").AsPrimaryKey();
        table.AddColumn("followee_id", "uuid").AsPrimaryKey();
        table.AddColumn("updated_on", "timestamptz").NotNull();
        table.Indexes.Add(new IndexDefinition(FollowingPairIndex) { Columns = ["follower_id", "followee_id"], IsUnique = true });
        return table;
    }

    /// <summary>
    /// <c>follower_counts</c>: each user's follower count, changed in the transaction that changes
    /// <c>followers</c> (a counter table in CQL), so the count is one key lookup however many follow.
    /// </summary>
    public static Table FollowerCounts()
    {
        var table = new Table("follower_counts");
        table.AddColumn("user_id", "uuid").AsPrimaryKey();
        table.AddColumn("follower_count", "bigint").NotNull();
        return table;
    }
}
