using Microsoft.Extensions.Options;

namespace Signals;

/// <summary>Validates <see cref="SignalNamespacesOptions"/> at start-up against the key grammar and the declared signals.</summary>
/// <param name="catalog">The declared signals; a mapped namespace must be one of theirs.</param>
internal sealed class SignalNamespacesOptionsValidator(SignalCatalog catalog) : IValidateOptions<SignalNamespacesOptions>
{
    public ValidateOptionsResult Validate(string? name, SignalNamespacesOptions options)
    {
        var failures = new List<string>();
        foreach (string duplicate in options.Duplicates.Distinct(StringComparer.Ordinal))
        {
            failures.Add($"Signals:Namespaces: the namespace '{duplicate}' is mapped twice (MapNamespace called twice for it, or in code and in configuration); map each namespace once.");
        }

        foreach (IGrouping<Type, string> shared in options.Namespaces.Where(static e => e.Value?.Context is not null)
            .GroupBy(static e => e.Value.Context!, static e => e.Key).Where(static g => g.Count() > 1))
        {
            failures.Add($"Signals:Namespaces: the context '{shared.Key.Name}' is mapped to several namespaces ({string.Join(", ", shared.Order(StringComparer.Ordinal))}); "
                + "a context's outbox is one namespace's version line: give each namespace a context type of its own.");
        }

        HashSet<string>? declared = null;
        foreach ((string ns, SignalNamespaceOptions entry) in options.Namespaces)
        {
            if (!SignalKeyGrammar.IsLiteralSegment(ns))
            {
                failures.Add($"Signals:Namespaces: '{ns}' is not a namespace: a namespace is one key segment of letters, digits, '_', '.' or '-'.");
                continue;
            }

            if (entry is null || entry.Store == SignalNamespaceStore.Default)
            {
                failures.Add($"Signals:Namespaces:{ns}:Store is not set: name the namespace's store (InMemory, or EntityFrameworkCore mapped in code).");
            }
            else if (!Enum.IsDefined(entry.Store))
            {
                failures.Add($"Signals:Namespaces:{ns}:Store '{entry.Store}' is not a store Signals knows (InMemory, or EntityFrameworkCore mapped in code).");
            }
            else if (entry.Store == SignalNamespaceStore.EntityFrameworkCore && entry.Context is null)
            {
                failures.Add($"Signals:Namespaces:{ns}:Store is EntityFrameworkCore but names no context: configuration cannot name a DbContext type; "
                    + $"map it in code with MapNamespace(\"{ns}\", ns => ns.UseEntityFrameworkCore<TContext>()).");
            }

            declared ??= [.. catalog.Descriptors.Select(static d => d.Namespace)];
            if (!declared.Contains(ns))
            {
                string known = declared.Count == 0 ? "none is declared" : "declared: " + string.Join(", ", declared.Order(StringComparer.Ordinal));
                failures.Add($"Signals:Namespaces: no declared signal is in the namespace '{ns}' ({known}); declare its keys with [SignalNamespace(\"{ns}\")] or fix the name.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
