namespace Signals.EntityFrameworkCore;

/// <summary>How a trigger turns a column's value into a key argument, the way <see cref="SignalKey.FormatArgument{T}(T)"/> does.</summary>
internal enum CaptureFormat
{
    /// <summary>Text as it is, escaped (strings, enums stored by name).</summary>
    Text,

    /// <summary>An integer in invariant decimal form.</summary>
    Integer,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A Guid in its lower-case <c>D</c> form.</summary>
    Guid,

    /// <summary>An enum stored as its number: the member's name, or the number when no member has it.</summary>
    EnumNumber,

    /// <summary>A date as <c>yyyy-MM-dd</c>.</summary>
    DateOnly,

    /// <summary>A point in time as ISO 8601 round-trip (<c>O</c>), offset <c>+00:00</c>, escaped.</summary>
    DateTimeOffset,
}
