namespace Signals.Generators.Helpers;

/// <summary>How generated code names its tool: the <c>[GeneratedCode]</c> attribute the emitter writes and the parser recognizes.</summary>
internal static class GeneratorInfo
{
    /// <summary>The tool name in the <c>[GeneratedCode]</c> attribute of generated members.</summary>
    public const string ToolName = "Signals.Generators";

    /// <summary>Gets the generator's assembly version, the tool version in the <c>[GeneratedCode]</c> attribute.</summary>
    public static string Version { get; } = typeof(GeneratorInfo).Assembly.GetName().Version?.ToString() ?? string.Empty;
}
