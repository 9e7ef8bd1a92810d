using Npgsql;
using NpgsqlTypes;

namespace Feed.Social.Postgres;

/// <summary>Typed positional parameters ($1, $2, ...) in the order they are added.</summary>
internal static class PostgresParameters
{
    public static NpgsqlCommand WithUuid(this NpgsqlCommand command, Guid value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Uuid });
        return command;
    }

    /// <summary>Npgsql writes only UTC offsets to timestamptz; any offset names the same instant.</summary>
    public static NpgsqlCommand WithTimestamp(this NpgsqlCommand command, DateTimeOffset value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return command;
    }

    public static NpgsqlCommand WithText(this NpgsqlCommand command, string value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    public static NpgsqlCommand WithInteger(this NpgsqlCommand command, int value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Integer });
        return command;
    }
}
