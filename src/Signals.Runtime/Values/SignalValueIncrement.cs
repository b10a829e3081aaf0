using System.Text.Json;
using System.Text.Json.Nodes;

namespace Signals;

/// <summary>The arithmetic of <see cref="ISignalValueStore.IncrementAsync"/> on a JSON object, shared by the stores that do it in process.</summary>
internal static class SignalValueIncrement
{
    /// <summary>Adds <paramref name="delta"/> to the 64-bit integer property <paramref name="propertyName"/> of a JSON object.</summary>
    /// <param name="value">The object.</param>
    /// <param name="propertyName">The property, as serialized.</param>
    /// <param name="delta">The amount to add; may be negative.</param>
    /// <param name="result">The object with the new count.</param>
    /// <returns><see langword="false"/> when <paramref name="value"/> is not an object whose <paramref name="propertyName"/> is a 64-bit integer.</returns>
    /// <exception cref="OverflowException">The sum does not fit in 64 bits.</exception>
    public static bool TryApply(JsonElement value, string propertyName, long delta, out JsonElement result)
    {
        result = default;
        if (JsonNode.Parse(value.GetRawText()) is not JsonObject target
            || target[propertyName] is not JsonValue number
            || !number.TryGetValue(out long count))
        {
            return false;
        }

        target[propertyName] = checked(count + delta);
        result = JsonSerializer.SerializeToElement(target);
        return true;
    }
}
