using System.Buffers;
using System.Security.Cryptography;

namespace Signals;

/// <summary>
/// The epoch of a version line (<see cref="SignalHub.Epoch"/>): a short random identity of the deployment whose versions a hub publishes,
/// carried by the cursors the endpoints hand out so that one from another deployment is told apart from one of ours.
/// </summary>
internal static class VersionEpoch
{
    /// <summary>The longest epoch: 32 characters.</summary>
    public const int MaxLength = 32;

    private static readonly SearchValues<char> Allowed = SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyz");

    /// <summary>Draws a new epoch: 64 random bits as 16 lowercase hexadecimal digits (two deployments share one with odds of 2^-64).</summary>
    /// <returns>The epoch.</returns>
    public static string Create() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Checks the shape of an epoch: 1 to <see cref="MaxLength"/> lowercase ASCII letters and digits (safe in an SSE id and a URL).</summary>
    /// <param name="epoch">The text.</param>
    /// <returns><see langword="true"/> when it is one.</returns>
    public static bool IsValid(ReadOnlySpan<char> epoch) => epoch.Length is > 0 and <= MaxLength && !epoch.ContainsAnyExcept(Allowed);
}
