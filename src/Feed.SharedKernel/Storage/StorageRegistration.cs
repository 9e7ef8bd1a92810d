using System.Data.Common;
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
            services.AddSingleton(_ => CreateDataSource(storage.PostgresConnectionString));
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

    /// <summary>
    /// The pool, by default without <c>DISCARD ALL</c> when a connection goes back to it and with
    /// automatic preparation of repeated statements: no code here keeps session state (locks are
    /// transaction-scoped), so a reset only costs a statement per use and throws prepared statements
    /// away. A connection string that sets either keyword keeps its own value.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        // The plain builder knows only the keywords present (Npgsql's knows every keyword it supports).
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }

        return builder.Build();
    }

    public static bool UsesPostgres(this IConfiguration configuration) =>
        StorageOptions.From(configuration).Provider == StorageProvider.Postgres;
}
