namespace Signals;

/// <summary>
/// The computed signals of a catalog, indexed by their inputs' namespaces: finds the computed keys a set of keys moves (see
/// <see cref="SignalCatalog.AddComputedKeys(ISet{SignalKey})"/>).
/// </summary>
internal sealed class ComputedKeys
{
    private readonly Dictionary<string, Input[]>.AlternateLookup<ReadOnlySpan<char>> _inputsByNamespace;

    private ComputedKeys(Dictionary<string, Input[]> inputsByNamespace) => _inputsByNamespace = inputsByNamespace.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Indexes the computed signals among <paramref name="descriptors"/>.</summary>
    /// <returns>The index, or <see langword="null"/> when no descriptor is computed (the common case, checked once per write).</returns>
    public static ComputedKeys? Create(IEnumerable<SignalDescriptor> descriptors)
    {
        Input[] inputs = [.. descriptors
            .Where(static d => d is { Kind: SignalKind.Computed, Inputs: not null })
            .SelectMany(static d => d.Inputs!.Distinct(StringComparer.Ordinal).Select(input => new Input(new SignalDescriptor(input, d.ClrType, SignalKind.Family), d)))];
        return inputs.Length == 0
            ? null
            : new ComputedKeys(inputs.GroupBy(static i => i.Pattern.Namespace, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.ToArray(), StringComparer.Ordinal));
    }

    /// <summary>Adds to <paramref name="keys"/> the computed keys they move, transitively; each at most once.</summary>
    /// <returns>How many keys were added.</returns>
    public int AddTo(ISet<SignalKey> keys)
    {
        var pending = new Queue<SignalKey>(keys);
        int added = 0;
        while (pending.TryDequeue(out SignalKey key))
        {
            string value = key.Value;
            int separator = value.IndexOf(SignalKey.Separator, StringComparison.Ordinal);
            if (!_inputsByNamespace.TryGetValue(separator < 0 ? value : value.AsSpan(0, separator), out Input[]? inputs))
            {
                continue;
            }

            foreach (Input input in inputs)
            {
                // A key already in the set is not queued again: a cycle (which the generator reports, SIG0018) ends here too.
                if (input.Pattern.Matches(key) && input.ComputedKeyOf(key) is var computed && keys.Add(computed))
                {
                    pending.Enqueue(computed);
                    added++;
                }
            }
        }

        return added;
    }

    /// <summary>One input of one computed signal.</summary>
    private sealed class Input
    {
        private readonly string[] _computedSegments;

        // Per segment of the computed pattern: the index of the input's segment that supplies it, or -1 for a literal.
        private readonly int[] _sources;

        /// <summary>Initializes a new instance.</summary>
        /// <param name="pattern">The input's pattern, as a descriptor to match keys against.</param>
        /// <param name="computed">The computed signal.</param>
        public Input(SignalDescriptor pattern, SignalDescriptor computed)
        {
            Pattern = pattern;
            Computed = computed;
            string[] patternSegments = pattern.Pattern.Split(SignalKey.Separator);
            _computedSegments = computed.Pattern.Split(SignalKey.Separator);
            _sources = Array.ConvertAll(_computedSegments, segment => IsPlaceholder(segment) ? Array.IndexOf(patternSegments, segment) : -1);
        }

        /// <summary>Gets the input's pattern, as a descriptor to match keys against.</summary>
        public SignalDescriptor Pattern { get; }

        /// <summary>Gets the computed signal.</summary>
        public SignalDescriptor Computed { get; }

        /// <summary>The computed key of a key that matches <see cref="Pattern"/>: its arguments copied, still escaped, by placeholder name.</summary>
        /// <exception cref="InvalidOperationException">
        /// A placeholder of the computed signal is not one of the input's (a declaration the generator rejects, SIG0017).
        /// </exception>
        /// <exception cref="FormatException">The computed key would be longer than <see cref="SignalKey.MaxByteCount"/> bytes.</exception>
        public SignalKey ComputedKeyOf(SignalKey key)
        {
            if (!Computed.IsTemplate)
            {
                return SignalKey.Parse(Computed.Pattern);
            }

            string[] arguments = key.Value.Split(SignalKey.Separator);
            string[] segments = new string[_computedSegments.Length];
            for (int i = 0; i < segments.Length; i++)
            {
                segments[i] = !IsPlaceholder(_computedSegments[i]) ? _computedSegments[i]
                    : _sources[i] >= 0 ? arguments[_sources[i]]
                    : throw new InvalidOperationException(
                        $"The computed signal '{Computed.Pattern}' ({Computed.ClrType}) has the placeholder {_computedSegments[i]}, which its input '{Pattern.Pattern}' does not have: every placeholder of a computed signal must be one of each input's.");
            }

            return SignalKey.Parse(string.Join(SignalKey.Separator, segments));
        }

        private static bool IsPlaceholder(string segment) => segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';
    }
}
