using System.ComponentModel.DataAnnotations;

namespace Signals;

/// <summary>
/// Options of the cluster-wide signal producers (<c>AddSignalProducer(…)</c>), bound from the configuration section
/// <c>Signals:Producers</c> and validated at start-up.
/// </summary>
public sealed class SignalProducerOptions
{
    /// <summary>The configuration section the options are bound from: <c>Signals:Producers</c>.</summary>
    public const string SectionName = "Signals:Producers";

    private const string MinTimeSpan = "00:00:00.010";
    private const string MaxTimeSpan = "1.00:00:00";

    /// <summary>Gets or sets how long a producer keeps running after the last subscriber of its key on its instance left.</summary>
    /// <remarks>
    /// The default is 10 seconds; from 10 ms to 24 hours. A subscriber that comes back within it (a page reload, a reconnect) finds the
    /// producer still running. When it elapses the instance stops the producer and releases the key's lock, and an instance that still
    /// has subscribers takes it over within <see cref="LockRetryInterval"/>.
    /// </remarks>
    [Range(typeof(TimeSpan), MinTimeSpan, MaxTimeSpan)]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often an instance whose subscribers watch a key that another instance produces tries to take the key's lock.</summary>
    /// <remarks>
    /// The default is 1 second; from 10 ms to 24 hours. It bounds how long a key goes without its producer after the owner stopped it or
    /// died (plus the time the database takes to notice a dead connection). Each attempt is one short query (PostgreSQL) or one file
    /// open (SQLite) per watched key.
    /// </remarks>
    [Range(typeof(TimeSpan), MinTimeSpan, MaxTimeSpan)]
    public TimeSpan LockRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the first wait before a producer that threw is started again.</summary>
    /// <remarks>
    /// The default is 1 second; from 10 ms to 24 hours. The wait doubles after each failure up to <see cref="MaxRestartDelay"/>, each
    /// wait jittered to between half and all of it, and starts over once a run lasted longer than <see cref="MaxRestartDelay"/>.
    /// </remarks>
    [Range(typeof(TimeSpan), MinTimeSpan, MaxTimeSpan)]
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait before a producer that threw is started again.</summary>
    /// <remarks>The default is 30 seconds; from 10 ms to 24 hours.</remarks>
    [Range(typeof(TimeSpan), MinTimeSpan, MaxTimeSpan)]
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);
}
