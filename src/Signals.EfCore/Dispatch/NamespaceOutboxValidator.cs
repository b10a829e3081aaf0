using Microsoft.Extensions.Options;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Validates, at start-up, the outboxes of namespaces mapped to a database of their own (<c>UseEntityFrameworkCore&lt;TContext&gt;()</c>)
/// against the app's own outbox: each context type is one version line.
/// </summary>
/// <param name="registrations">Every outbox registered in the application.</param>
internal sealed class NamespaceOutboxValidator(IEnumerable<OutboxRegistration> registrations) : IValidateOptions<SignalNamespacesOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalNamespacesOptions options)
    {
        var failures = new List<string>();
        OutboxRegistration[] all = [.. registrations];
        foreach (OutboxRegistration registration in all.Where(static r => r.Namespace is not null))
        {
            string context = registration.ContextType.Name;
            if (registration.IsAppOutbox)
            {
                failures.Add($"Signals:Namespaces: the context '{context}' is both the app's outbox (AddEntityFrameworkCoreOutbox<{context}>()) and the "
                    + $"store of the namespace '{registration.Namespace}'; a context's outbox is one version line: give the namespace a context type of its own.");
            }
            else if (!options.Namespaces.TryGetValue(registration.Namespace!, out SignalNamespaceOptions? entry) || entry?.Context != registration.ContextType)
            {
                failures.Add($"Signals:Namespaces: the context '{context}' is registered for the namespace '{registration.Namespace}', which is not mapped to it.");
            }
        }

        if (failures.Count == 0 && all.Length > 0 && !all.Any(static r => r.IsAppOutbox))
        {
            string mapped = string.Join(", ", all.Select(static r => $"'{r.Namespace}' on {r.ContextType.Name}"));
            failures.Add($"Signals:Namespaces: namespaces are mapped to databases of their own ({mapped}), but the app's other keys have no outbox: "
                + "call AddEntityFrameworkCoreOutbox<TContext>() for the app's own context too (the hub reads and serves the app's keys from it).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
