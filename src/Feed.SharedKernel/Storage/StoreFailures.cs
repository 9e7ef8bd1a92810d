using System.Net.Sockets;
using Npgsql;

namespace Feed.SharedKernel.Storage;

/// <summary>
/// Tells a store outage (PostgreSQL unreachable, restarting, out of connections) from a fault in the
/// service. An outage is worth trying again, inside the request where that is safe, then a 503.
/// </summary>
public static class StoreFailures
{
    /// <summary>How long a client is asked to wait before trying again after a 503.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(2);

    /// <summary>True when the store could not be reached, went away or is starting or stopping.</summary>
    public static bool IsOutage(Exception exception) =>
        Causes(exception).Any(cause => cause switch
        {
            PostgresException postgres => IsOutageState(postgres.SqlState),
            // Errors Npgsql raises itself: broken sockets, timeouts, an exhausted pool.
            NpgsqlException npgsql => npgsql.IsTransient,
            SocketException => true,
            _ => false,
        });

    /// <summary>
    /// True when the failed statement cannot have run: the connection was refused or never opened, or
    /// the server ended the session before it (a shut-down server's session dies with its open
    /// transaction). Retrying then is safe for a write too. A connection lost mid-statement is not
    /// such a failure: the write may have committed, so only reads are retried after it.
    /// </summary>
    public static bool NothingWasDone(Exception exception) =>
        Causes(exception).Any(cause => cause switch
        {
            PostgresException postgres => postgres.SqlState is
                PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.SqlClientUnableToEstablishSqlConnection or PostgresErrorCodes.SqlServerRejectedEstablishmentOfSqlConnection
                or PostgresErrorCodes.TooManyConnections,
            SocketException socket => socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable,
            // The pool gave no connection in time: nothing was sent.
            NpgsqlException { InnerException: TimeoutException } npgsql => npgsql.Message.Contains("pool", StringComparison.OrdinalIgnoreCase),
            _ => false,
        });

    private static bool IsOutageState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections;

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (Exception? cause = exception; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
            if (cause is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Causes))
                {
                    yield return inner;
                }
            }
        }
    }
}
