using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Feed.SharedKernel.Storage;

public enum StorageProvider
{
    /// <summary>Everything in process memory: zero setup, gone on restart.</summary>
    InMemory,

    /// <summary>PostgreSQL (through Marten and Npgsql): durable.</summary>
    Postgres,
}

/// <summary>Where the durable data lives (<c>Feed:Storage</c>); chosen once, at start-up.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Feed:Storage";
    public const string PostgresConnectionStringName = "Postgres";

    public StorageProvider Provider { get; set; } = StorageProvider.InMemory;

    public string? PostgresConnectionString { get; set; }

    /// <summary>Reads the choice during service registration, where adapters are picked.</summary>
    public static StorageOptions From(IConfiguration configuration)
    {
        var options = new StorageOptions();
        configuration.GetSection(SectionName).Bind(options);
        options.PostgresConnectionString = configuration.GetConnectionString(PostgresConnectionStringName);
        return options;
    }
}

/// <summary>Stops start-up with a message naming the missing setting.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        options.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.PostgresConnectionString)
            ? ValidateOptionsResult.Fail(
                "Feed:Storage:Provider is Postgres but ConnectionStrings:Postgres is not set (environment variable ConnectionStrings__Postgres).")
            : ValidateOptionsResult.Success;
}
