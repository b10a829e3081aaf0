using System.ComponentModel;

namespace Signals;

/// <summary>
/// Every signal an app declares, sorted by pattern: what the endpoints validate keys against and serve to tooling
/// (<c>GET {prefix}/catalog</c>).
/// </summary>
/// <remarks>
/// <para>The source generator emits, in every assembly that declares signals, a module initializer that calls
/// <see cref="Register(IEnumerable{SignalDescriptor})"/>; <c>AddSignals()</c> registers <see cref="Registered"/> as the app's catalog
/// unless a <see cref="SignalCatalog"/> singleton was registered before. No reflection scanning is involved: an assembly's entries
/// arrive when the runtime loads it, which for domain and contracts assemblies is before the first request.</para>
/// <para>An empty catalog (an app that declares no signals and composes keys by hand) accepts every well-formed key.</para>
/// </remarks>
public sealed class SignalCatalog
{
    private static readonly Lock RegistrationLock = new();
    private static readonly List<SignalDescriptor> Registrations = [];
    private static SignalCatalog? _registered;

    private readonly Dictionary<string, SignalDescriptor> _fixed;
    private readonly SignalDescriptor[] _templates;

    /// <summary>Initializes a new catalog.</summary>
    /// <param name="descriptors">The declared signals; equal entries are kept once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="descriptors"/> is <see langword="null"/>.</exception>
    public SignalCatalog(IEnumerable<SignalDescriptor> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        Descriptors = [.. descriptors.Distinct().OrderBy(static d => d.Pattern, StringComparer.Ordinal).ThenBy(static d => d.ClrType, StringComparer.Ordinal)];
        _fixed = Descriptors.Where(static d => !d.IsTemplate).DistinctBy(static d => d.Pattern).ToDictionary(static d => d.Pattern, StringComparer.Ordinal);
        _templates = [.. Descriptors.Where(static d => d.IsTemplate)];
    }

    /// <summary>Gets the catalog of every signal registered by the generated module initializers of the assemblies loaded so far.</summary>
    public static SignalCatalog Registered
    {
        get
        {
            lock (RegistrationLock)
            {
                return _registered ??= new SignalCatalog(Registrations);
            }
        }
    }

    /// <summary>Gets the declared signals, sorted by <see cref="SignalDescriptor.Pattern"/> (ordinal), then by CLR type.</summary>
    public IReadOnlyList<SignalDescriptor> Descriptors { get; }

    /// <summary>Gets a value indicating whether no signal is declared, in which case every well-formed key is accepted.</summary>
    public bool IsEmpty => Descriptors.Count == 0;

    /// <summary>Adds an assembly's declared signals to <see cref="Registered"/>. Called by generated code; not meant for apps.</summary>
    /// <param name="descriptors">The assembly's signals.</param>
    /// <exception cref="ArgumentNullException"><paramref name="descriptors"/> is <see langword="null"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(IEnumerable<SignalDescriptor> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        lock (RegistrationLock)
        {
            Registrations.AddRange(descriptors);
            _registered = null;
        }
    }

    /// <summary>Finds the declared signal a key belongs to.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The fixed signal with that key, else the first template (in catalog order) that matches it, else <see langword="null"/>.</returns>
    public SignalDescriptor? Find(SignalKey key)
    {
        if (_fixed.TryGetValue(key.Value, out SignalDescriptor? descriptor))
        {
            return descriptor;
        }

        foreach (SignalDescriptor template in _templates)
        {
            if (template.Matches(key))
            {
                return template;
            }
        }

        return null;
    }

    /// <summary>Tells whether a key may be used with this app: the catalog is empty, or the key belongs to a declared signal.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when the key is accepted.</returns>
    public bool Accepts(SignalKey key) => IsEmpty || Find(key) is not null;
}
