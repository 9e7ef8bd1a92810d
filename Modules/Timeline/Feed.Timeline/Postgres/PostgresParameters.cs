using Feed.SharedKernel.Paging;
using Npgsql;

namespace Feed.Timeline.Postgres;

/// <summary>
/// What the PostgreSQL timeline adapters share: typed parameters, the cursor of a range read and
/// reading back user ids.
/// </summary>
/// <remarks>
/// Page order is (created_on DESC, post_id DESC), which is what <see cref="SequenceKey"/> compares:
/// PostgreSQL orders uuids byte by byte in their written form, the same order as
/// <see cref="Guid.CompareTo(Guid)"/>, so "strictly after the cursor" is the row comparison
/// <c>(created_on, post_id) &lt; (cursor)</c>, which the index serves as a range bound.
/// </remarks>
internal static class PostgresParameters
{
    // A typed positional parameter: no boxing, and PostgreSQL knows its type (Guid[] → uuid[],
    // DateTimeOffset → timestamptz, which Npgsql writes only from a UTC offset).
    public static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    /// <summary>Binds the cursor as parameters $3 (created_on) and $4 (post_id) of a range read that has one.</summary>
    public static void AddCursor(NpgsqlCommand command, SequenceKey? after)
    {
        if (after is { } cursor)
        {
            command.Parameters.Add(Value(cursor.At.ToUniversalTime()));
            command.Parameters.Add(Value(cursor.Id));
        }
    }

    /// <summary>The user ids a statement returns in its first column.</summary>
    public static async ValueTask<IReadOnlyCollection<Guid>> ReadUserIdsAsync(NpgsqlCommand command, int expected, CancellationToken cancellationToken)
    {
        var userIds = new List<Guid>(expected);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            userIds.Add(reader.GetGuid(0));
        }

        return userIds;
    }
}
