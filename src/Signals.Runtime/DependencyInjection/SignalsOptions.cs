namespace Signals;

/// <summary>Options for the Signals hub and protocol, bound from the <c>Signals</c> configuration section by <c>AddSignals()</c>.</summary>
public sealed class SignalsOptions
{
    /// <summary>Gets or sets the name of this app instance, reported as <c>source</c> in sync responses.</summary>
    /// <remarks>The default is <c>{machine name}-{process id}</c>.</remarks>
    public string InstanceId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Gets or sets the most keys one subscription (an SSE stream, a long-poll) may watch.</summary>
    /// <remarks>The default is 1,000. Memory per subscription is proportional to its keys, never to the write rate.</remarks>
    public int MaxKeysPerSubscription { get; set; } = 1_000;
}
