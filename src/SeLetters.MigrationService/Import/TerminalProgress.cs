using System.Diagnostics;

namespace SeLetters.MigrationService.Import;

/// <summary>A one-line progress bar on stderr, drawn only when stderr is an interactive terminal (never under the AppHost or in CI).</summary>
internal sealed class TerminalProgress
{
    private const int Width = 30;
    private readonly bool _enabled = !Console.IsErrorRedirected && Environment.UserInteractive;
    private readonly Stopwatch _sinceDrawn = Stopwatch.StartNew();

    public void Update(string table, long done, long total, double rowsPerSecond, bool force = false)
    {
        if (!_enabled || (!force && _sinceDrawn.ElapsedMilliseconds < 200))
        {
            return;
        }

        _sinceDrawn.Restart();
        var fraction = total == 0 ? 1 : Math.Min(1, (double)done / total);
        var filled = (int)(fraction * Width);
        Console.Error.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {fraction,4:P0} {table} {done:N0}/{total:N0} rows, {rowsPerSecond:N0} rows/s   ");
    }

    public void Done()
    {
        if (_enabled)
        {
            Console.Error.Write("\r" + new string(' ', Console.IsErrorRedirected ? 0 : Math.Max(0, Console.WindowWidth - 1)) + "\r");
        }
    }
}
