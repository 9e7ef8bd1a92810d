using Feed.SharedKernel.Outbox;
using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Storage;
using Feed.Social.Posts;
using Npgsql;

namespace Feed.Social.Postgres;

/// <summary>
/// The <c>posts</c> table on PostgreSQL. Each change and its announcement are written in one
/// transaction with the <c>outbox</c> row, so a crash keeps both or neither; after the commit the
/// outbox dispatcher is woken, so delivery starts at once instead of at its next poll.
/// </summary>
internal sealed class PostgresPostStore(NpgsqlDataSource dataSource, OutboxSignal outbox) : IPostStore
{
    private const string Columns = "post_id, user_id, post_url, post_type, created_on, updated_on";

    // The row-value comparison is one range condition on the primary key (user_id, created_on, post_id),
    // walked backwards: newest first, ties broken by post_id like SequenceKey, no sort.
    internal const string ReadById = $"SELECT {Columns} FROM posts WHERE post_id = $1";

    internal const string ReadFirst =
        $"SELECT {Columns} FROM posts WHERE user_id = $1 ORDER BY created_on DESC, post_id DESC LIMIT $2";

    internal const string ReadAfterCursor =
        $"""
        SELECT {Columns} FROM posts
        WHERE user_id = $1 AND (created_on, post_id) < ($2, $3)
        ORDER BY created_on DESC, post_id DESC LIMIT $4
        """;

    public async ValueTask AddAsync(Post post, OutboxMessage announcement, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RegisteredUsers.RequireAsync(connection, transaction, [post.UserId], cancellationToken);
        await using var insert = new NpgsqlCommand(
                "INSERT INTO posts (user_id, created_on, post_id, post_url, post_type, updated_on) VALUES ($1, $2, $3, $4, $5, $6)",
                connection,
                transaction)
            .WithUuid(post.UserId)
            .WithTimestamp(post.CreatedOn)
            .WithUuid(post.PostId)
            .WithText(post.PostUrl)
            .WithText(post.PostType)
            .WithTimestamp(post.UpdatedOn);
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception is { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "posts" })
        {
            throw new InvalidOperationException($"Post {post.PostId} already exists.", exception);
        }

        await PostgresOutbox.InsertAsync(connection, transaction, announcement, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Wake();
    }

    public async ValueTask<Post?> GetAsync(Guid postId, CancellationToken cancellationToken)
    {
        await using var select = dataSource.CreateCommand(ReadById).WithUuid(postId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPost(reader) : null;
    }

    public async ValueTask<Post?> DeleteAsync(Guid postId, OutboxMessage announcement, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Post? deleted;
        await using (var delete = new NpgsqlCommand($"DELETE FROM posts WHERE post_id = $1 RETURNING {Columns}", connection, transaction).WithUuid(postId))
        await using (var reader = await delete.ExecuteReaderAsync(cancellationToken))
        {
            deleted = await reader.ReadAsync(cancellationToken) ? ReadPost(reader) : null;
        }

        // Of concurrent deletes only one removes the row (the others wait for it, then find nothing): only it announces.
        if (deleted is null)
        {
            return null;
        }

        await PostgresOutbox.InsertAsync(connection, transaction, announcement, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Wake();
        return deleted;
    }

    public async ValueTask<IReadOnlyList<Post>> ListByAuthorAsync(Guid userId, Cursor? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var select = after is { } cursor
            ? dataSource.CreateCommand(ReadAfterCursor).WithUuid(userId).WithTimestamp(cursor.At).WithUuid(cursor.Id).WithInteger(limit)
            : dataSource.CreateCommand(ReadFirst).WithUuid(userId).WithInteger(limit);

        var posts = new List<Post>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            posts.Add(ReadPost(reader));
        }

        return posts;
    }

    private static Post ReadPost(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetFieldValue<DateTimeOffset>(5));
}
