using Npgsql;

namespace Feed.Timeline.Postgres;

/// <summary>The fan-out progress table (<see cref="TimelineTables"/>) in PostgreSQL: one row per post whose fan-out is under way.</summary>
internal sealed class PostgresFanOutProgressStore(NpgsqlDataSource dataSource) : IFanOutProgressStore
{
    public async ValueTask<string?> GetFanOutProgressAsync(Guid postId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT follower_cursor FROM {TimelineTables.FanOutProgress} WHERE post_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = postId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async ValueTask SaveFanOutProgressAsync(Guid postId, string? followerCursor, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(followerCursor is null
            ? $"DELETE FROM {TimelineTables.FanOutProgress} WHERE post_id = $1"
            : $"INSERT INTO {TimelineTables.FanOutProgress} (post_id, follower_cursor) VALUES ($1, $2) ON CONFLICT (post_id) DO UPDATE SET follower_cursor = EXCLUDED.follower_cursor");
        command.Parameters.Add(new NpgsqlParameter { Value = postId });
        if (followerCursor is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = followerCursor });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
