namespace Signals.Generators.Models;

/// <summary>An integer property of a value signal, incremented atomically in the store.</summary>
/// <param name="PropertyName">The property's name, e.g. <c>Count</c> (the accessor is <c>IncrementCountAsync</c>).</param>
/// <param name="JsonName">The property's JSON name: its <c>[JsonPropertyName]</c>, else camelCase (<c>JsonSerializerDefaults.Web</c>).</param>
internal readonly record struct CounterModel(string PropertyName, string JsonName);
