using System.Text.Json;

namespace Signals.EntityFrameworkCore;

/// <summary>The outcome of a value store write.</summary>
/// <param name="Value">The stored value and its version (unchanged when nothing changed).</param>
/// <param name="Changed">Whether a new version was committed (and must be published).</param>
internal sealed record ValueWrite(SignalValue<JsonElement> Value, bool Changed);
