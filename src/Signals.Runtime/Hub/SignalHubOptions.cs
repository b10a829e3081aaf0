using System.ComponentModel.DataAnnotations;

namespace Signals;

/// <summary>
/// Options for the <see cref="SignalHub"/>'s memory, bound from the <c>Signals:Hub</c> configuration section by <c>AddSignals()</c> and
/// validated at start-up.
/// </summary>
public sealed class SignalHubOptions
{
    /// <summary>The configuration section the options are bound from: <c>Signals:Hub</c>.</summary>
    public const string SectionName = "Signals:Hub";

    /// <summary>
    /// Gets or sets the most keys the hub holds a version of beyond the keys someone watches, when a database keeps the versions (the
    /// EF Core outbox): the keys asked for recently (sync, long-poll, a stream's start).
    /// </summary>
    /// <remarks>
    /// <para>The default is 100,000 (about 20 MB of versions). Must be at least 1: a value of 0 or less fails at start-up.</para>
    /// <para>
    /// A watched key (an open event stream or a waiting long-poll names it) is pinned and never counts against this bound: its version is
    /// kept current by the dispatcher for as long as it is watched. Any other key held is evicted, oldest use first (a clock: every use sets
    /// a mark, the sweep spares a marked key once), when the bound is passed; its next use reads its version from the database again,
    /// many keys in one query. A hub whose versions live nowhere else (<c>AddSignals()</c> alone: the in-memory store) holds every key
    /// and ignores this bound.
    /// </para>
    /// </remarks>
    [Range(1, int.MaxValue)]
    public int MaxCachedKeys { get; set; } = 100_000;
}
