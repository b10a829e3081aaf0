namespace Signals.EntityFrameworkCore;

/// <summary>Names the <see cref="SignalsOutboxOptions"/> of each context type.</summary>
internal static class OutboxOptionsName
{
    /// <summary>Gets the options name of a context type: its full name.</summary>
    /// <param name="contextType">The context type.</param>
    /// <returns>The name.</returns>
    public static string For(Type contextType) => contextType.FullName ?? contextType.Name;
}
