using System.Diagnostics.CodeAnalysis;

namespace Signals.AspNetCore.Endpoints;

/// <summary>Turns the text of a key a request names into a <see cref="SignalKey"/>: the sync body's keys and the event stream's.</summary>
internal static class KeyText
{
    /// <summary>Parses a key, taking it from the hub when the hub holds it: no string and no validation (the hub holds only valid keys).</summary>
    /// <param name="text">The key's text, decoded.</param>
    /// <param name="hub">The hub.</param>
    /// <param name="key">The key, or <c>default</c> when <paramref name="text"/> is not one.</param>
    /// <param name="error">Why <paramref name="text"/> is not a key (see <see cref="SignalKey.TryParse(string?, out SignalKey, out string?)"/>).</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid key.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, SignalHub hub, out SignalKey key, [NotNullWhen(false)] out string? error)
    {
        error = null;
        return hub.TryGetKey(text, out key) || SignalKey.TryParse(text.ToString(), out key, out error);
    }
}
