using Microsoft.Extensions.Options;

namespace Signals.AspNetCore;

/// <summary>Validates <see cref="SignalsEndpointOptions"/> at start-up (registered by <c>AddHttpEndpoints()</c>) and in <c>MapSignals()</c>.</summary>
internal sealed class SignalsEndpointOptionsValidator : IValidateOptions<SignalsEndpointOptions>
{
    private static readonly TimeSpan MaxInterval = TimeSpan.FromHours(24);

    public static SignalsEndpointOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, SignalsEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.HeartbeatInterval != Timeout.InfiniteTimeSpan && (options.HeartbeatInterval < TimeSpan.Zero || options.HeartbeatInterval > MaxInterval))
        {
            failures.Add($"Signals:Endpoints:HeartbeatInterval must be between 0 (disabled) and 24 hours, or infinite (disabled); it is {options.HeartbeatInterval}.");
        }

        if (options.ReconnectionInterval is { } retry && (retry < TimeSpan.Zero || retry > MaxInterval))
        {
            failures.Add($"Signals:Endpoints:ReconnectionInterval must be between 0 and 24 hours, or null (no hint); it is {retry}.");
        }

        if (options.MaxLongPollWait < TimeSpan.Zero || options.MaxLongPollWait > MaxInterval)
        {
            failures.Add($"Signals:Endpoints:MaxLongPollWait must be between 0 (no long-polling) and 24 hours; it is {options.MaxLongPollWait}.");
        }

        if (options.CatchUpTimeout <= TimeSpan.Zero || options.CatchUpTimeout > MaxInterval)
        {
            failures.Add($"Signals:Endpoints:CatchUpTimeout must be greater than 0 and at most 24 hours; it is {options.CatchUpTimeout}.");
        }

        if (options.MaxRequestBodySize < 1)
        {
            failures.Add($"Signals:Endpoints:MaxRequestBodySize must be at least 1 byte; it is {options.MaxRequestBodySize}.");
        }

        if (options.MaxValueBodySize < 1)
        {
            failures.Add($"Signals:Endpoints:MaxValueBodySize must be at least 1 byte; it is {options.MaxValueBodySize}.");
        }

        foreach ((string ns, string policy) in options.NamespacePolicies)
        {
            if (!SignalKey.TryParse(ns, out SignalKey key, out _) || key.Namespace != ns)
            {
                failures.Add($"Signals:Endpoints:NamespacePolicies has the namespace \"{ns}\", which is not a namespace (one literal key segment, [A-Za-z0-9_.-]+).");
            }

            if (string.IsNullOrWhiteSpace(policy))
            {
                failures.Add($"Signals:Endpoints:NamespacePolicies maps the namespace \"{ns}\" to an empty policy name.");
            }
        }

        if (string.IsNullOrEmpty(options.EventType) || options.EventType.AsSpan().ContainsAny('\r', '\n'))
        {
            failures.Add("Signals:Endpoints:EventType must be non-empty and must not contain line breaks.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
