using System.Diagnostics;
using Npgsql;

namespace Feed.FaultTests;

/// <summary>Questions the fault tests ask a test database directly (what the services wrote).</summary>
public static class FaultDatabase
{
    public static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls <paramref name="condition"/> (a boolean query) until it holds; on timeout, fails showing the outbox.</summary>
    public static async Task WaitAsync(string database, string condition, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!await ScalarAsync<bool>(database, condition))
        {
            if (waited.Elapsed > timeout)
            {
                var outbox = await ScalarAsync<string?>(
                    database,
                    "SELECT coalesce(string_agg(type || ' attempts ' || attempts || ' due ' || due_on || ' locked until ' || coalesce(locked_until::text, '-') || ' ' || coalesce(last_error, ''), '; '), 'empty') FROM outbox");
                throw new TimeoutException($"Still false after {timeout}: {condition}; outbox: {outbox}");
            }

            await Task.Delay(5);
        }
    }
}
