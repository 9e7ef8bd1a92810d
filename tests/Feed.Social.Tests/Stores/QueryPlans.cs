using Npgsql;

namespace Feed.Social.Tests.Stores;

internal static class QueryPlans
{
    /// <summary>
    /// The plan PostgreSQL picks for <paramref name="sql"/> with these parameters, with sequential and
    /// bitmap scans priced out: a plan that still sorts or skips the expected index shows the index
    /// cannot serve the query (on a table this small the planner would otherwise scan it whole).
    /// </summary>
    public static async Task<string> ExplainAsync(string connectionString, string sql, params object[] parameters)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var priceOut = new NpgsqlCommand("set enable_seqscan = off; set enable_bitmapscan = off", connection))
        {
            await priceOut.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        foreach (var parameter in parameters)
        {
            explain.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join('\n', plan);
    }
}
