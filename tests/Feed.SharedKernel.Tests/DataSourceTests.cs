using Feed.SharedKernel.Storage;
using Npgsql;

namespace Feed.SharedKernel.Tests;

public sealed class DataSourceTests
{
    [Fact]
    public void The_pool_skips_the_reset_and_prepares_repeated_statements_by_default()
    {
        using var dataSource = StorageRegistration.CreateDataSource("Host=127.0.0.1;Username=feed;Password=x;Database=feed");

        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);

        Assert.True(settings.NoResetOnClose);
        Assert.Equal(64, settings.MaxAutoPrepare);
    }

    [Fact]
    public void A_connection_string_that_sets_either_keeps_its_own_value()
    {
        using var dataSource = StorageRegistration.CreateDataSource(
            "Host=127.0.0.1;Username=feed;Password=x;Database=feed;No Reset On Close=false;Max Auto Prepare=0");

        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);

        Assert.False(settings.NoResetOnClose);
        Assert.Equal(0, settings.MaxAutoPrepare);
    }
}
