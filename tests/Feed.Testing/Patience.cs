using System.Diagnostics;
using System.Globalization;

namespace Feed.Testing;

/// <summary>
/// How long a test waits for something that happens in the background (delivery, a reconnect) before
/// it fails: one setting for every polling wait, <c>FEED_TEST_PATIENCE_SECONDS</c>, 60 s by default.
/// Measured on a stopwatch, never on a clock the test may have replaced. It only stops a test that
/// would otherwise hang; no test asserts how fast anything happens.
/// </summary>
public static class Patience
{
    public static TimeSpan Timeout { get; } = Read();

    /// <summary>Polls <paramref name="condition"/> until it holds; a <see cref="TimeoutException"/> naming <paramref name="what"/> after <see cref="Timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > Timeout)
            {
                throw new TimeoutException($"Waited {Timeout.TotalSeconds:0} s (FEED_TEST_PATIENCE_SECONDS) for {what}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }
    }

    private static TimeSpan Read()
    {
        var value = Environment.GetEnvironmentVariable("FEED_TEST_PATIENCE_SECONDS");
        if (string.IsNullOrEmpty(value))
        {
            return TimeSpan.FromSeconds(60);
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"FEED_TEST_PATIENCE_SECONDS must be a whole number of seconds above 0, not '{value}'.");
    }
}
