using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Describes the capture of one entity type from the generator's declarations (<see cref="SignalCatalog.Registered"/>, the descriptors
/// whose <see cref="SignalDescriptor.ClrType"/> is the entity's type or its nearest annotated base) and the model's columns, and checks
/// the description against the generated <see cref="ISignalSource.AddSignalKeys"/> on sample values (<see cref="CaptureProbe"/>).
/// </summary>
internal static class CaptureDescriber
{
    /// <summary>Describes an entity type's capture.</summary>
    /// <param name="type">The captured entity type.</param>
    /// <param name="outbox">The outbox entity type.</param>
    /// <param name="dialect">The provider's dialect.</param>
    /// <param name="typeMappings">The provider's type mappings.</param>
    /// <param name="mechanism">How the table is captured.</param>
    /// <returns>The description.</returns>
    /// <exception cref="InvalidOperationException">
    /// The entity cannot be captured (the message names the entity, the property and the type), or not by <paramref name="mechanism"/> on
    /// this provider.
    /// </exception>
    public static CapturedTable Describe(
        IReadOnlyEntityType type, IReadOnlyEntityType outbox, CaptureDialect dialect, ITypeMappingSource typeMappings, SignalCaptureMechanism mechanism)
    {
        string entity = type.DisplayName();
        string? publication = mechanism == SignalCaptureMechanism.LogicalReplication
            ? dialect.PublicationFor(outbox.GetTableName()!) ?? throw new InvalidOperationException(
                $"Signal capture of '{entity}' by logical replication needs PostgreSQL (UseSignals(s => s.UsePostgreSql())); {dialect.Name} captures by triggers: leave HasSignalCaptureMechanism out.")
            : null;
        if (!typeof(ISignalSource).IsAssignableFrom(type.ClrType))
        {
            throw Refuse(entity, "it declares no signals (it does not implement ISignalSource)");
        }

        string table = type.GetTableName() ?? throw Refuse(entity, "it is not mapped to a table");
        string? schema = type.GetSchema();
        var store = StoreObjectIdentifier.Table(table, schema);
        if (type.IsOwned() || type.BaseType is not null || type.GetDerivedTypes().Any()
            || type.Model.GetEntityTypes().Any(other => other != type && other.GetTableName() == table && other.GetSchema() == schema))
        {
            throw Refuse(entity, $"its table '{table}' holds other entity types too (inheritance, owned types or table splitting), whose rows the trigger cannot tell apart");
        }

        List<SignalDescriptor> descriptors = DescriptorsOf(type.ClrType);
        if (descriptors.Count == 0)
        {
            throw Refuse(entity, "the Signals catalog has no declaration for its type (is the source generator referenced by its project?)");
        }

        // Each declaration's key, its placeholders read from their columns; then the computed signals the keys are inputs of
        // (transitively), whose placeholders read the same columns as the input's (SIG0017 makes each one of the input's): the trigger
        // bumps them in the same statement, as SignalCatalog.AddComputedKeys does for the interceptor.
        var keys = new List<IReadOnlyList<CapturePart>>();
        var inputs = new Queue<(string Pattern, Dictionary<string, CapturePart> Columns)>();
        foreach (SignalDescriptor descriptor in descriptors)
        {
            Dictionary<string, CapturePart> columns = descriptor.Placeholders.ToDictionary(
                static p => p.Name, p => Column(type, store, p, descriptor.Pattern, dialect, typeMappings), StringComparer.Ordinal);
            keys.Add(Parts(descriptor.Pattern, columns));
            inputs.Enqueue((descriptor.Pattern, columns));
        }

        var computedKeys = new HashSet<string>(StringComparer.Ordinal);
        while (inputs.TryDequeue(out (string Pattern, Dictionary<string, CapturePart> Columns) input))
        {
            foreach (SignalDescriptor computed in SignalCatalog.Registered.Descriptors.Where(d => d.Inputs?.Contains(input.Pattern) == true))
            {
                if (computedKeys.Add(computed.Pattern))
                {
                    Dictionary<string, CapturePart> columns = computed.Placeholders.ToDictionary(
                        static p => p.Name,
                        p => input.Columns.GetValueOrDefault(p.Name) ?? throw Refuse(entity, $"the computed signal '{computed.Pattern}' has the placeholder {{{p.Name}}}, which its input '{input.Pattern}' does not have"),
                        StringComparer.Ordinal);
                    keys.Add(Parts(computed.Pattern, columns));
                    inputs.Enqueue((computed.Pattern, columns));
                }
            }
        }

        string outboxTable = outbox.GetTableName()!;
        var outboxStore = StoreObjectIdentifier.Table(outboxTable, outbox.GetSchema());
        string? transactionId = outbox.FindProperty(OutboxModel.TransactionIdProperty)?.GetColumnName(outboxStore);
        var described = new CapturedTable(
            entity,
            table,
            schema,
            keys,
            outboxTable,
            outbox.GetSchema(),
            outbox.FindProperty(nameof(SignalOutboxEntry.Key))!.GetColumnName(outboxStore)!,
            outbox.FindProperty(nameof(SignalOutboxEntry.CreatedAt))!.GetColumnName(outboxStore)!,
            transactionId,
            transactionId is null ? null : outbox.FindProperty(nameof(SignalOutboxEntry.Id))!.GetColumnName(outboxStore),
            publication is null ? dialect.Revision : null,
            publication);
        CaptureProbe.Check(type, described, typeMappings);
        return described;
    }

    /// <summary>A key's parts: its literal text between placeholders, and each placeholder's column.</summary>
    private static List<CapturePart> Parts(string pattern, Dictionary<string, CapturePart> columns)
    {
        var parts = new List<CapturePart>();
        string literal = string.Empty;
        string[] segments = pattern.Split(SignalKey.Separator);
        for (int i = 0; i < segments.Length; i++)
        {
            string separator = i + 1 < segments.Length ? SignalKey.Separator.ToString() : string.Empty;
            if (segments[i] is not ['{', .., '}'])
            {
                literal += segments[i] + separator;
                continue;
            }

            if (literal.Length > 0)
            {
                parts.Add(new CapturePart(literal));
            }

            parts.Add(columns[segments[i][1..^1]]);
            literal = separator;
        }

        if (literal.Length > 0)
        {
            parts.Add(new CapturePart(literal));
        }

        return parts;
    }

    /// <summary>The descriptors (fixed signals and families) of a type, or of its nearest base type that has some.</summary>
    private static List<SignalDescriptor> DescriptorsOf(Type clrType)
    {
        for (Type? current = clrType; current is not null; current = current.BaseType)
        {
            List<SignalDescriptor> found = [.. SignalCatalog.Registered.Descriptors.Where(d => d.Kind is SignalKind.Signal or SignalKind.Family && d.ClrType == current.FullName)];
            if (found.Count > 0)
            {
                return found;
            }
        }

        return [];
    }

    private static CapturePart Column(
        IReadOnlyEntityType type, StoreObjectIdentifier store, SignalPlaceholder placeholder, string pattern, CaptureDialect dialect, ITypeMappingSource typeMappings)
    {
        string entity = type.DisplayName();
        IReadOnlyProperty property = type.FindProperty(placeholder.Name)
            ?? throw Refuse(entity, $"the placeholder {{{placeholder.Name}}} of '{pattern}' reads the property '{placeholder.Name}', which is not mapped to a column");
        string column = property.GetColumnName(store)
            ?? throw Refuse(entity, $"the property '{placeholder.Name}' is not mapped to a column of '{store.Name}'");
        CoreTypeMapping mapping = property.FindTypeMapping() ?? typeMappings.FindMapping((IProperty)property)
            ?? throw Refuse(entity, $"the property '{placeholder.Name}' has no type mapping");
        ValueConverter? converter = mapping.Converter;
        Type stored = Unwrap(converter?.ProviderClrType ?? mapping.ClrType);
        string typeName = Unwrap(property.ClrType).FullName ?? property.ClrType.Name;
        string unsupported = $"the property '{property.Name}' of type {typeName} (stored as {stored.Name}, placeholder {{{placeholder.Name}}} of '{pattern}')";
        CaptureFormat format;
        IReadOnlyList<KeyValuePair<long, string>>? members = null;
        switch (placeholder.Kind)
        {
            case SignalPlaceholderKind.Enum:
                Type enumType = Unwrap(property.ClrType);
                if (!enumType.IsEnum || enumType.IsDefined(typeof(FlagsAttribute), inherit: false))
                {
                    throw Refuse(entity, $"{unsupported} cannot be captured: only a plain enum property (not [Flags], not wrapped) is formatted by name in SQL");
                }

                members = [.. Enum.GetValues(enumType).Cast<object>().Select(v => new KeyValuePair<long, string>(Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture), v.ToString()!))];
                if (stored == typeof(string))
                {
                    // Stored by name: the column holds what the key writes (the members are kept for the probe's sample).
                    format = CaptureFormat.Text;
                    break;
                }

                if (!IsInteger(stored))
                {
                    throw Refuse(entity, $"{unsupported} cannot be captured: an enum must be stored as its number or its name");
                }

                if (members.Select(static m => m.Key).Distinct().Count() != members.Count)
                {
                    throw Refuse(entity, $"{unsupported} cannot be captured: members of {enumType.Name} share a number, and which name .NET writes for it is not defined");
                }

                format = CaptureFormat.EnumNumber;
                break;
            default:
                (format, Type expected) = placeholder.Kind switch
                {
                    SignalPlaceholderKind.String => (CaptureFormat.Text, typeof(string)),
                    SignalPlaceholderKind.Boolean => (CaptureFormat.Boolean, typeof(bool)),
                    SignalPlaceholderKind.Guid => (CaptureFormat.Guid, typeof(Guid)),
                    SignalPlaceholderKind.DateOnly => (CaptureFormat.DateOnly, typeof(DateOnly)),
                    SignalPlaceholderKind.DateTimeOffset => (CaptureFormat.DateTimeOffset, typeof(DateTimeOffset)),
                    _ => (CaptureFormat.Integer, stored),
                };
                // An integer may be stored as a wider integer (PostgreSQL has no unsigned types: Npgsql stores a uint as bigint).
                if (placeholder.Kind == SignalPlaceholderKind.Integer ? !IsInteger(stored) : stored != expected)
                {
                    throw Refuse(entity, $"{unsupported} cannot be captured: the column holds {stored.Name}, but the key formats {placeholder.TypeName}");
                }

                break;
        }

        if (dialect.Unsupported(format, property, mapping) is { } reason)
        {
            throw Refuse(entity, $"{unsupported} cannot be captured on {dialect.Name}: {reason}");
        }

        return new CapturePart(null, column, format, property.Name, members);
    }

    private static bool IsInteger(Type type)
        => type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) || type == typeof(int)
           || type == typeof(uint) || type == typeof(long) || type == typeof(ulong);

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static InvalidOperationException Refuse(string entity, string reason)
        => new($"Signal capture of '{entity}' is refused: {reason}. Leave it to the SaveChanges interceptor with " +
               $"modelBuilder.Entity<{entity}>().HasSignalCapture(enabled: false), or change the mapping.");
}
