namespace Signals.Generators.Parsing;

/// <summary>
/// Metadata names of the Signals runtime types the generator looks for. The netstandard2.0 generator cannot reference the
/// net10.0 runtime, so they are strings; a test checks each against <c>typeof(...).FullName</c>.
/// </summary>
internal static class WellKnownTypeNames
{
    /// <summary><c>Signals.SignalAttribute</c>.</summary>
    public const string SignalAttribute = "Signals.SignalAttribute";

    /// <summary><c>Signals.SignalFamilyAttribute</c>.</summary>
    public const string SignalFamilyAttribute = "Signals.SignalFamilyAttribute";

    /// <summary><c>Signals.SignalValueAttribute</c>.</summary>
    public const string SignalValueAttribute = "Signals.SignalValueAttribute";

    /// <summary><c>Signals.SignalComputedAttribute</c>.</summary>
    public const string SignalComputedAttribute = "Signals.SignalComputedAttribute";

    /// <summary><c>Signals.SignalNamespaceAttribute</c>.</summary>
    public const string SignalNamespaceAttribute = "Signals.SignalNamespaceAttribute";

    /// <summary><c>Signals.ISignalSource</c>: the interface the generator implements on every entity that declares signals.</summary>
    public const string SignalSource = "Signals.ISignalSource";

    /// <summary><c>Signals.Client.ISignalsClient</c>, from the Signals.Client package: the type the typed client accessors extend.</summary>
    public const string SignalsClient = "Signals.Client.ISignalsClient";

    /// <summary><c>System.DateOnly</c>.</summary>
    public const string DateOnly = "System.DateOnly";

    /// <summary><c>System.DateTimeOffset</c>.</summary>
    public const string DateTimeOffset = "System.DateTimeOffset";

    /// <summary><c>System.Guid</c>.</summary>
    public const string Guid = "System.Guid";

    /// <summary><c>System.Int128</c>.</summary>
    public const string Int128 = "System.Int128";

    /// <summary><c>System.UInt128</c>.</summary>
    public const string UInt128 = "System.UInt128";

    /// <summary><c>System.Text.Json.Serialization.JsonPropertyNameAttribute</c>.</summary>
    public const string JsonPropertyNameAttribute = "System.Text.Json.Serialization.JsonPropertyNameAttribute";

    /// <summary><c>System.Text.Json.Serialization.JsonIgnoreAttribute</c>.</summary>
    public const string JsonIgnoreAttribute = "System.Text.Json.Serialization.JsonIgnoreAttribute";
}
