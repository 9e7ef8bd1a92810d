using System.Text;

namespace Feed.Demo;

/// <summary>
/// A progress bar on a terminal, fed by the seeder's log (one line per table loaded, from parallel
/// loaders). Redirected output gets the plain lines instead: a file or a CI log has no use for
/// carriage returns.
/// </summary>
internal sealed class ProgressBar(TextWriter output, int steps) : TextWriter
{
    private const int Width = 30;
    private readonly bool _terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private readonly Lock _lock = new();
    private int _done;

    public override Encoding Encoding => output.Encoding;

    public override void WriteLine(string? value)
    {
        var text = (value ?? string.Empty).Trim();
        lock (_lock)
        {
            _done = Math.Min(steps, _done + 1);
            if (!_terminal)
            {
                output.WriteLine(text);
                return;
            }

            var filled = Width * _done / steps;
            output.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {_done}/{steps} {text,-60}");
        }
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public void Done()
    {
        if (_terminal)
        {
            output.WriteLine();
        }
    }
}
