namespace Signals;

/// <summary>Marks that <c>AddSignals()</c> ran, so <c>MapSignals()</c> and other consumers can fail early with a clear message when it did not.</summary>
internal sealed class SignalsMarkerService
{
}
