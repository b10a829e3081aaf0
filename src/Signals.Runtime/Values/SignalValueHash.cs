using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Signals;

/// <summary>
/// The content hash every value store records as <see cref="SignalVersion.Hash"/>: the first 16 lowercase hex digits (64 bits) of the
/// SHA-256 of the value's compact JSON, so the same value hashes the same whatever whitespace it arrived with.
/// </summary>
public static class SignalValueHash
{
    /// <summary>Computes the hash of a value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>16 lowercase hex digits.</returns>
    public static string Compute(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
