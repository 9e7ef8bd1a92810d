using System.Diagnostics;
using Npgsql;

namespace Feed.FaultTests;

/// <summary>Questions the fault tests ask a test database directly (what the services wrote).</summary>
public static class FaultDatabase
{
    /// <summary>The first column of the first row; SQL NULL as default (null for a reference type).</summary>
    public static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is T value ? value : default!;
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
