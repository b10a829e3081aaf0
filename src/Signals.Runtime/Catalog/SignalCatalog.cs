using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;

namespace Signals;

/// <summary>
/// Every signal an app declares, sorted by pattern: what the endpoints validate keys against and serve to tooling
/// (<c>GET {prefix}/catalog</c>).
/// </summary>
/// <remarks>
/// <para>The source generator emits, in every assembly that declares signals, a module initializer that calls
/// <see cref="Register(IEnumerable{SignalDescriptor})"/>; <c>AddSignals()</c> registers <see cref="Registered"/> as the app's catalog
/// unless a <see cref="SignalCatalog"/> singleton was registered before. No reflection scanning is involved: an assembly's entries
/// arrive when the runtime loads it, and <see cref="Registered"/> is one live instance, so an assembly loaded after the first request
/// still counts.</para>
/// <para>An empty catalog (an app that declares no signals and composes keys by hand) accepts every well-formed key.</para>
/// </remarks>
public sealed class SignalCatalog
{
    private static readonly Lock RegistrationLock = new();
    private static readonly List<SignalDescriptor> Registrations = [];

    private Entries _entries;

    /// <summary>Initializes a new catalog.</summary>
    /// <param name="descriptors">The declared signals; equal entries are kept once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="descriptors"/> is <see langword="null"/>.</exception>
    public SignalCatalog(IEnumerable<SignalDescriptor> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        _entries = new Entries(descriptors);
    }

    /// <summary>
    /// Gets the catalog of every signal registered by the generated module initializers: one instance, which follows the
    /// registrations of assemblies loaded later.
    /// </summary>
    public static SignalCatalog Registered { get; } = new([]);

    /// <summary>Gets the declared signals, sorted by <see cref="SignalDescriptor.Pattern"/> (ordinal), then by CLR type.</summary>
    public IReadOnlyList<SignalDescriptor> Descriptors => Volatile.Read(ref _entries).Descriptors;

    /// <summary>Gets a value indicating whether no signal is declared, in which case every well-formed key is accepted.</summary>
    public bool IsEmpty => Descriptors.Count == 0;

    /// <summary>
    /// Gets the declarations as they are now, as an object that changes whenever they do (an assembly registers more): a verdict of
    /// <see cref="Accepts(SignalKey, out SignalDescriptor?, out string?)"/> holds while it is the same object.
    /// </summary>
    internal object Generation => Volatile.Read(ref _entries);

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
            Volatile.Write(ref Registered._entries, new Entries(Registrations));
        }
    }

    /// <summary>Finds the declared signal a key belongs to.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The fixed signal with that key, else the first template of the key's namespace (in catalog order) that matches it, else <see langword="null"/>.</returns>
    public SignalDescriptor? Find(SignalKey key)
    {
        Entries entries = Volatile.Read(ref _entries);
        if (entries.Fixed.TryGetValue(key.Value, out SignalDescriptor? descriptor))
        {
            return descriptor;
        }

        foreach (SignalDescriptor template in entries.TemplatesOf(key))
        {
            if (template.Matches(key))
            {
                return template;
            }
        }

        return null;
    }

    /// <summary>
    /// Tells whether a key may be used with this app: the catalog is empty, or a declared signal produces the key
    /// (<see cref="SignalDescriptor.Accepts(SignalKey, out string?)"/>: it matches the pattern and each argument is one the key factory
    /// writes).
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when the key is accepted.</returns>
    public bool Accepts(SignalKey key) => Accepts(key, out _, out _);

    /// <summary>Tells whether a key may be used with this app, which declared signal it belongs to, and otherwise why not.</summary>
    /// <param name="key">The key.</param>
    /// <param name="descriptor">
    /// The declared signal that produces the key; when none does, the first whose pattern the key matches (one of its arguments is not
    /// one the signal's key factory writes); <see langword="null"/> when the key matches no pattern, or the catalog is empty.
    /// </param>
    /// <param name="error">
    /// Why the key is refused: that it matches no declared signal, or the argument's problem naming the expected form
    /// (<c>'paid' is not a member of OrderStatus: Pending, Paid, Shipped (placeholder {Status} of 'shop:status:{Status}').</c>);
    /// <see langword="null"/> when it is accepted.
    /// </param>
    /// <returns><see langword="true"/> when the catalog is empty or a declared signal produces the key.</returns>
    public bool Accepts(SignalKey key, out SignalDescriptor? descriptor, [NotNullWhen(false)] out string? error)
    {
        Entries entries = Volatile.Read(ref _entries);
        error = null;
        if (entries.Descriptors.Count == 0)
        {
            descriptor = null;
            return true;
        }

        if (entries.Fixed.TryGetValue(key.Value, out descriptor))
        {
            return true;
        }

        SignalDescriptor? matched = null;
        foreach (SignalDescriptor template in entries.TemplatesOf(key))
        {
            if (template.Accepts(key, out string? argumentError))
            {
                descriptor = template;
                error = null;
                return true;
            }

            if (matched is null && template.Matches(key))
            {
                (matched, error) = (template, argumentError);
            }
        }

        descriptor = matched;
        error ??= $"'{key}' matches no declared signal.";
        return false;
    }

    /// <summary>
    /// Adds to <paramref name="keys"/> the keys of the computed signals (<see cref="SignalKind.Computed"/>) that they move, transitively
    /// (a computed signal may be another's input); a key already in the set is not added twice.
    /// </summary>
    /// <param name="keys">The keys a write stages; the computed keys are added to it.</param>
    /// <returns>How many keys were added: 0 when the catalog declares no computed signal.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">A computed key would be longer than <see cref="SignalKey.MaxByteCount"/> bytes.</exception>
    /// <remarks>
    /// Every write path of Signals calls it on <see cref="Registered"/> before staging its keys, so a computed key commits in the same
    /// transaction as its inputs, once per write; the EF Core providers then skip a computed key the transaction already wrote (see
    /// <see cref="SignalComputedAttribute"/>). A custom <see cref="ISignalStore"/> should do the same. A key's arguments are copied
    /// as they are spelled in the input key: <c>orders:tenant:7:open</c> moves <c>dashboard:tenant:7</c> for
    /// <c>[SignalComputed("dashboard:tenant:{TenantId}", "orders:tenant:{TenantId}:{Status}")]</c>.
    /// </remarks>
    public int AddComputedKeys(ISet<SignalKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Volatile.Read(ref _entries).Computed is { } computed && keys.Count > 0 ? computed.AddTo(keys) : 0;
    }

    /// <summary>Gets a value indicating whether the catalog declares a computed signal (<see cref="SignalKind.Computed"/>).</summary>
    internal bool DeclaresComputed => Volatile.Read(ref _entries).Computed is not null;

    /// <summary>Tells whether a key is a computed signal's (<see cref="Find"/> finds a <see cref="SignalKind.Computed"/> descriptor).</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> for a computed key; always <see langword="false"/> when the catalog declares none.</returns>
    internal bool IsComputed(SignalKey key) => DeclaresComputed && Find(key)?.Kind == SignalKind.Computed;

    /// <summary>The given distinct keys, followed by the computed keys they move (see <see cref="AddComputedKeys(ISet{SignalKey})"/>).</summary>
    /// <returns><paramref name="keys"/> itself when they move no computed key.</returns>
    internal SignalKey[] WithComputedKeys(SignalKey[] keys)
    {
        if (Volatile.Read(ref _entries).Computed is null || keys.Length == 0)
        {
            return keys;
        }

        var staged = new HashSet<SignalKey>(keys);
        return AddComputedKeys(staged) == 0 ? keys : [.. keys, .. staged.Except(keys)];
    }

    /// <summary>The descriptors and their lookups, swapped as a whole when <see cref="Registered"/> grows.</summary>
    private sealed class Entries
    {
        public Entries(IEnumerable<SignalDescriptor> descriptors)
        {
            Descriptors = [.. descriptors.Distinct().OrderBy(static d => d.Pattern, StringComparer.Ordinal).ThenBy(static d => d.ClrType, StringComparer.Ordinal)];
            Fixed = Descriptors.Where(static d => !d.IsTemplate).DistinctBy(static d => d.Pattern).ToDictionary(static d => d.Pattern, StringComparer.Ordinal);
            TemplatesByNamespace = Descriptors.Where(static d => d.IsTemplate)
                .GroupBy(static d => d.Namespace, StringComparer.Ordinal)
                .ToDictionary(static g => g.Key, static g => g.ToArray(), StringComparer.Ordinal)
                .GetAlternateLookup<ReadOnlySpan<char>>();
            Computed = ComputedKeys.Create(Descriptors);
        }

        /// <summary>Gets the computed signals indexed by their inputs, or <see langword="null"/> when there is none.</summary>
        public ComputedKeys? Computed { get; }

        public IReadOnlyList<SignalDescriptor> Descriptors { get; }

        public Dictionary<string, SignalDescriptor> Fixed { get; }

        /// <summary>Gets the templates per namespace, looked up by a span of the key.</summary>
        public Dictionary<string, SignalDescriptor[]>.AlternateLookup<ReadOnlySpan<char>> TemplatesByNamespace { get; }

        /// <summary>Gets the templates of a key's namespace, in catalog order; the namespace is a span of the key, no substring per lookup.</summary>
        public SignalDescriptor[] TemplatesOf(SignalKey key)
        {
            string value = key.Value;
            int separator = value.IndexOf(SignalKey.Separator, StringComparison.Ordinal);
            return TemplatesByNamespace.TryGetValue(separator < 0 ? value : value.AsSpan(0, separator), out SignalDescriptor[]? templates) ? templates : [];
        }
    }
}
