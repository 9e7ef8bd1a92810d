using Npgsql;

namespace Feed.FaultTests;

/// <summary>
/// Several API processes sharing one PostgreSQL database and one Redis (a cluster here), as a
/// deployment behind a load balancer runs them: same keys, same cache key prefix. Each names itself
/// to PostgreSQL (<c>Application Name=feed-api-N</c>), so a test can tell which instance did what.
/// </summary>
public sealed class ApiInstances : IAsyncDisposable
{
    private readonly List<ApiProcess> _instances;

    private ApiInstances(List<ApiProcess> instances) => _instances = instances;

    public int Count => _instances.Count;

    public ApiProcess this[int index] => _instances[index];

    public IReadOnlyList<ApiProcess> All => _instances;

    public static string ApplicationName(int index) => $"feed-api-{index}";

    /// <summary>
    /// Starts <paramref name="count"/> instances at the same time on an empty database: each applies
    /// the schema at start-up, as instances of a new deployment would.
    /// </summary>
    public static async Task<ApiInstances> StartAsync(FaultServers servers, string database, string redis, int count, IReadOnlyDictionary<string, string>? extra = null)
    {
        var prefix = $"fault-{Guid.NewGuid():N}:";
        var starting = Enumerable.Range(0, count).Select(index =>
        {
            var settings = ApiProcess.Settings(servers, new NpgsqlConnectionStringBuilder(database) { ApplicationName = ApplicationName(index) }.ConnectionString);
            settings["ConnectionStrings__Redis"] = redis;
            settings["Feed__Timeline__CacheKeyPrefix"] = prefix;
            foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            {
                settings[key] = value;
            }

            return ApiProcess.StartAsync(settings);
        }).ToList();

        try
        {
            return new ApiInstances([.. await Task.WhenAll(starting)]);
        }
        catch
        {
            foreach (var started in starting.Where(task => task.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
    }
}
