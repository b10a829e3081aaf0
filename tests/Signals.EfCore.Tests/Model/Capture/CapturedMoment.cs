namespace Signals.EntityFrameworkCore.Tests.Model.Capture;

/// <summary>An entity keyed by a point in time: captured on PostgreSQL (<c>timestamptz</c>), refused on SQLite (stored as text).</summary>
[SignalNamespace("cap")]
[SignalFamily("at:{At}")]
public partial class CapturedMoment
{
    /// <summary>Gets or sets the key.</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets the point in time (offset zero: PostgreSQL stores UTC).</summary>
    public DateTimeOffset At { get; set; }
}
