namespace Signals;

/// <summary>A value signal's current value and the version it was stored at.</summary>
/// <typeparam name="T">The value's type: <see cref="System.Text.Json.JsonElement"/> for the untyped store, the value signal's type for typed accessors.</typeparam>
/// <param name="Version">The key's state; <see cref="SignalVersion.Version"/> is 0 and <paramref name="Value"/> the default when nothing was stored.</param>
/// <param name="Value">The value.</param>
public sealed record SignalValue<T>(SignalVersion Version, T Value);
