namespace Signals.Generators.Tests.Behaviour;

/// <summary>An <see cref="ISignalValueReader"/> over a dictionary of property values, standing in for an EF Core entry.</summary>
internal sealed class DictionaryValueReader(IReadOnlyDictionary<string, object?> values) : ISignalValueReader
{
    public List<string> Requested { get; } = [];

    public T GetValue<T>(string propertyName)
    {
        Requested.Add(propertyName);
        return values.TryGetValue(propertyName, out object? value)
            ? (T)value!
            : throw new KeyNotFoundException($"The test reader has no value for '{propertyName}'.");
    }
}
