namespace Signals.EntityFrameworkCore.Tests.Model.Capture;

/// <summary>A signal entity left to the interceptor (<c>HasSignalCapture(enabled: false)</c>): the health check lists its table as not captured.</summary>
[SignalNamespace("cap")]
[SignalFamily("note:{Id}")]
public partial class UncapturedNote
{
    /// <summary>Gets or sets the key.</summary>
    public long Id { get; set; }
}
