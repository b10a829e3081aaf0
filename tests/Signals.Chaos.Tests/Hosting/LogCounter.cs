using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Signals.Chaos.Tests.Hosting;

/// <summary>
/// A logger provider that counts log events instead of writing them: Signals' own events from Debug up (e.g. how often the
/// listener connected), everything else from Warning up. The report prints the counts, so a run shows which faults the
/// instances actually felt. It outlives the instances it is given to (their disposal does not reset it).
/// </summary>
internal sealed class LogCounter : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Gets the counts so far, as <c>"{level} {category}/{event}: {count}"</c> lines, sorted.</summary>
    /// <returns>The lines.</returns>
    public IEnumerable<string> Describe()
        => _counts.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value}"));

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Counter(this, categoryName);

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing to release; the counts stay readable after the instance that logged them is gone.
    }

    private sealed class Counter(LogCounter owner, string category) : ILogger
    {
        private readonly bool _signals = category.StartsWith("Signals.", StringComparison.Ordinal);
        private readonly string _shortCategory = ShortName(category);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= (_signals ? LogLevel.Debug : LogLevel.Warning);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                string name = eventId.Name ?? eventId.Id.ToString(CultureInfo.InvariantCulture);
                owner._counts.AddOrUpdate($"{logLevel} {_shortCategory}/{name}", 1, static (_, count) => count + 1);
            }
        }

        private static string ShortName(string category)
        {
            string withoutArguments = category.Split('<', '`')[0];
            return withoutArguments[(withoutArguments.LastIndexOf('.') + 1)..];
        }
    }
}
