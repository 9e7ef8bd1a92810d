using System.Net.Sockets;
using Feed.SharedKernel.Storage;
using Mediator;
using Npgsql;

namespace Feed.SharedKernel.Tests;

public sealed record ReadSomething : IQuery<int>;

public sealed record WriteSomething : ICommand<int>;

/// <summary>
/// Which store failures are an outage (a 503, worth retrying) and which retries are safe: a read
/// after any outage, a write only when the failed statement cannot have run.
/// </summary>
public sealed class StoreRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Exception ServerShuttingDown = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown);
    private static readonly Exception ServerStarting = new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow);
    private static readonly Exception Refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
    private static readonly Exception LostMidStatement = new NpgsqlException("Exception while reading from stream", new EndOfStreamException());
    private static readonly Exception UniqueViolation = new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);

    public static TheoryData<string, bool, bool> Failures => new()
    {
        // failure, an outage (503), nothing was done (a write may be retried)
        { nameof(ServerShuttingDown), true, true },
        { nameof(ServerStarting), true, true },
        { nameof(Refused), true, true },
        { nameof(LostMidStatement), true, false },
        { nameof(UniqueViolation), false, false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Failures_are_classified_through_wrapping_exceptions(string failure, bool outage, bool nothingWasDone)
    {
        var wrapped = new InvalidOperationException("a store wrapped it", Failure(failure));

        Assert.Equal(outage, StoreFailures.IsOutage(wrapped));
        Assert.Equal(nothingWasDone, StoreFailures.NothingWasDone(wrapped));
    }

    [Fact]
    public void A_fault_of_the_service_is_not_an_outage() =>
        Assert.False(StoreFailures.IsOutage(new InvalidOperationException("a bug")));

    [Fact]
    public async Task A_read_is_retried_after_a_connection_lost_mid_statement()
    {
        var calls = 0;

        var result = await new StoreRetryBehavior<ReadSomething, int>().Handle(new ReadSomething(), (_, _) =>
            ++calls < 3 ? throw LostMidStatement : ValueTask.FromResult(42), Ct);

        Assert.Equal((42, 3), (result, calls));
    }

    [Fact]
    public async Task A_write_is_retried_when_the_server_refused_or_ended_the_session_before_it_ran()
    {
        var calls = 0;
        Exception[] failures = [Refused, ServerShuttingDown];

        var result = await new StoreRetryBehavior<WriteSomething, int>().Handle(new WriteSomething(), (_, _) =>
            calls < failures.Length ? throw failures[calls++] : ValueTask.FromResult(++calls), Ct);

        Assert.Equal(3, result);
    }

    [Fact]
    public async Task A_write_whose_connection_was_lost_mid_statement_is_not_repeated()
    {
        var calls = 0;

        await Assert.ThrowsAsync<NpgsqlException>(async () => await new StoreRetryBehavior<WriteSomething, int>().Handle(new WriteSomething(), (_, _) =>
        {
            calls++;
            throw LostMidStatement;
        }, Ct));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task An_outage_that_outlasts_the_retries_reaches_the_caller_after_five_attempts()
    {
        var calls = 0;

        await Assert.ThrowsAsync<NpgsqlException>(async () => await new StoreRetryBehavior<ReadSomething, int>().Handle(new ReadSomething(), (_, _) =>
        {
            calls++;
            throw Refused;
        }, Ct));

        Assert.Equal(5, calls);
    }

    private static Exception Failure(string name) => name switch
    {
        nameof(ServerShuttingDown) => ServerShuttingDown,
        nameof(ServerStarting) => ServerStarting,
        nameof(Refused) => Refused,
        nameof(LostMidStatement) => LostMidStatement,
        _ => UniqueViolation,
    };
}
