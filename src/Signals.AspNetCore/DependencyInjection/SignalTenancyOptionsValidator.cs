using Microsoft.Extensions.Options;

namespace Signals.AspNetCore.Tenancy;

/// <summary>Validates <see cref="SignalTenancyOptions"/> at start-up (registered by <c>AddTenantResolver(…)</c>) and in <c>MapSignals()</c>.</summary>
internal sealed class SignalTenancyOptionsValidator : IValidateOptions<SignalTenancyOptions>
{
    public static SignalTenancyOptionsValidator Instance { get; } = new();

    public ValidateOptionsResult Validate(string? name, SignalTenancyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        foreach (string? ns in options.SharedNamespaces)
        {
            if (ns is null || !SignalKey.TryParse(ns, out SignalKey key, out _) || key.Namespace != ns)
            {
                failures.Add($"Signals:Tenancy:SharedNamespaces has \"{ns}\", which is not a namespace (one literal key segment, [A-Za-z0-9_.-]+).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
