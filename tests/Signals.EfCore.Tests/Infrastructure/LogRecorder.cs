using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Signals.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>A logger provider that records the name, level and text of every event logged through it, from Debug up.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Name, LogLevel Level, string Text)> _events = new();

    /// <summary>Gets every event so far as one line: level, name, message and exception.</summary>
    public IEnumerable<string> Lines => _events.Select(static e => $"{e.Level} {e.Name}: {e.Text}");

    /// <summary>Counts the events of one name (the <c>LoggerMessage</c> method's name).</summary>
    public int Count(string name) => _events.Count(e => e.Name == name);

    /// <summary>Counts the events logged at <paramref name="level"/> or above, whatever their name.</summary>
    public int CountAtLeast(LogLevel level) => _events.Count(e => e.Level >= level);

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
        // Nothing to release; the events stay readable.
    }

    private sealed class Recorder(LogRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner._events.Enqueue((eventId.Name ?? string.Empty, logLevel, formatter(state, exception) + (exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})")));
    }
}
