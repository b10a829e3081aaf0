namespace Signals.Testing;

/// <summary>How a command ended.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">Its standard output, complete when every process holding the pipe has closed it.</param>
/// <param name="StandardError">Its standard error, likewise.</param>
public sealed record CommandResult(int ExitCode, Task<string> StandardOutput, Task<string> StandardError);
