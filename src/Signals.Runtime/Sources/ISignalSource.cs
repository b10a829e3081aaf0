namespace Signals;

/// <summary>
/// A type whose instances map to signal keys. The source generator implements it (explicitly) on every
/// <see cref="SignalAttribute"/> / <see cref="SignalFamilyAttribute"/> type, so the EF Core interceptor needs no reflection.
/// </summary>
public interface ISignalSource
{
    /// <summary>Adds the keys of one state of an instance: its <see cref="SignalAttribute"/> key and one key per family.</summary>
    /// <param name="values">Reads the property values of the state to map (e.g. an EF Core entry's current or original values).</param>
    /// <param name="keys">Receives the keys; callers dedupe.</param>
    void AddSignalKeys(ISignalValueReader values, ICollection<SignalKey> keys);
}
