using JasperFx;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Feed.SharedKernel.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers the chosen storage. For PostgreSQL: one pooled <see cref="NpgsqlDataSource"/> and one
    /// Marten store on it; modules add their documents and tables with <c>ConfigureMarten</c>, and the
    /// whole schema is created or migrated, idempotently, when the host starts.
    /// </summary>
    public static IServiceCollection AddFeedStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = StorageOptions.From(configuration);
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddOptions<StorageOptions>()
            .Configure(options =>
            {
                options.Provider = storage.Provider;
                options.PostgresConnectionString = storage.PostgresConnectionString;
            })
            .ValidateOnStart();

        if (storage.Provider == StorageProvider.Postgres && !string.IsNullOrWhiteSpace(storage.PostgresConnectionString))
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(storage.PostgresConnectionString));
            services.AddMarten(options =>
                {
                    options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                    options.DisableNpgsqlLogging = true;
                })
                .UseNpgsqlDataSource()
                .ApplyAllDatabaseChangesOnStartup();
        }

        return services;
    }

    public static bool UsesPostgres(this IConfiguration configuration) =>
        StorageOptions.From(configuration).Provider == StorageProvider.Postgres;
}
