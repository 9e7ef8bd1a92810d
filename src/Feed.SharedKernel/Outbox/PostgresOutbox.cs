using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql.Tables;

namespace Feed.SharedKernel.Outbox;

/// <summary>
/// The outbox on PostgreSQL: one <c>outbox</c> table. Stores insert into it inside their own
/// transaction (<see cref="InsertAsync"/>), so a change and its announcement commit together.
/// </summary>
public sealed class PostgresOutbox(NpgsqlDataSource dataSource, TimeProvider time) : IOutboxStore
{
    // One column list for both inserts (Npgsql's $n placeholders, Marten's ?): due_on starts at created_on.
    private const string InsertInto = "INSERT INTO outbox (message_id, type, payload, created_on, due_on, trace_parent) VALUES ";

    public static Table Table()
    {
        var table = new Table("outbox");
        table.AddColumn("message_id", "uuid").AsPrimaryKey();
        table.AddColumn("type", "text").NotNull();
        table.AddColumn("payload", "text").NotNull();
        table.AddColumn("created_on", "timestamptz").NotNull();
        table.AddColumn("due_on", "timestamptz").NotNull();
        table.AddColumn("locked_until", "timestamptz");
        table.AddColumn("attempts", "integer").NotNull().DefaultValueByExpression("0");
        table.AddColumn("last_error", "text");
        table.AddColumn("trace_parent", "text");
        table.Indexes.Add(new IndexDefinition("ix_outbox_due_on") { Columns = ["due_on", "created_on"] });
        return table;
    }

    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OutboxMessage message, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            InsertInto + "($1, $2, $3, $4, $4, $5)",
            connection,
            transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = message.MessageId, NpgsqlDbType = NpgsqlDbType.Uuid });
        insert.Parameters.Add(new NpgsqlParameter { Value = message.Type });
        insert.Parameters.Add(new NpgsqlParameter { Value = message.Payload });
        insert.Parameters.Add(new NpgsqlParameter { Value = message.CreatedOn, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)message.TraceParent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The same insert for a store on Marten: queued in the session's unit of work, so it commits with the
    /// session's changes in <c>SaveChangesAsync</c>.
    /// </summary>
    public static void Queue(IDocumentOperations session, OutboxMessage message) =>
        session.QueueSqlCommand(
            InsertInto + "(?, ?, ?, ?, ?, ?)",
            message.MessageId,
            message.Type,
            message.Payload,
            message.CreatedOn,
            message.CreatedOn,
            (object?)message.TraceParent ?? DBNull.Value);

    public async ValueTask<IReadOnlyList<PendingOutboxMessage>> ClaimDueAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // SKIP LOCKED lets several service instances dispatch side by side without taking the same message.
        await using var claim = dataSource.CreateCommand(
            """
            UPDATE outbox SET locked_until = $1, attempts = attempts + 1
            WHERE message_id IN (
                SELECT message_id FROM outbox
                WHERE due_on <= $2 AND (locked_until IS NULL OR locked_until <= $2)
                ORDER BY due_on, created_on
                LIMIT $3
                FOR UPDATE SKIP LOCKED)
            RETURNING message_id, type, payload, created_on, attempts, trace_parent
            """);
        claim.Parameters.Add(new NpgsqlParameter { Value = now + lease, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = max });

        var claimed = new List<PendingOutboxMessage>();
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new PendingOutboxMessage(
                new OutboxMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(5) ? null : reader.GetString(5)),
                reader.GetInt32(4)));
        }

        // Oldest first: a post's creation is announced before its deletion.
        claimed.Sort((left, right) => left.Message.CreatedOn.CompareTo(right.Message.CreatedOn));
        return claimed;
    }

    public async ValueTask RenewAsync(IReadOnlyCollection<PendingOutboxMessage> messages, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return;
        }

        // The attempt count is the claim's fencing token: a claim taken over since has a higher one.
        await using var renew = dataSource.CreateCommand(
            """
            UPDATE outbox SET locked_until = $1
            FROM unnest($2::uuid[], $3::integer[]) AS held (message_id, attempts)
            WHERE outbox.message_id = held.message_id AND outbox.attempts = held.attempts AND outbox.locked_until IS NOT NULL
            """);
        renew.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() + lease, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        renew.Parameters.Add(new NpgsqlParameter { Value = messages.Select(held => held.Message.MessageId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        renew.Parameters.Add(new NpgsqlParameter { Value = messages.Select(held => held.Attempts).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        await renew.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask CompleteAsync(Guid messageId, CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand("DELETE FROM outbox WHERE message_id = $1");
        delete.Parameters.Add(new NpgsqlParameter { Value = messageId, NpgsqlDbType = NpgsqlDbType.Uuid });
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask RetryLaterAsync(Guid messageId, DateTimeOffset dueOn, string error, CancellationToken cancellationToken)
    {
        await using var retry = dataSource.CreateCommand(
            "UPDATE outbox SET due_on = $2, locked_until = NULL, last_error = $3 WHERE message_id = $1");
        retry.Parameters.Add(new NpgsqlParameter { Value = messageId, NpgsqlDbType = NpgsqlDbType.Uuid });
        retry.Parameters.Add(new NpgsqlParameter { Value = dueOn, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        retry.Parameters.Add(new NpgsqlParameter { Value = error });
        await retry.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM outbox");
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask<OutboxBacklog> MeasureBacklogAsync(CancellationToken cancellationToken)
    {
        await using var measure = dataSource.CreateCommand("SELECT count(*), min(created_on) FROM outbox");
        await using var reader = await measure.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OutboxBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }
}
