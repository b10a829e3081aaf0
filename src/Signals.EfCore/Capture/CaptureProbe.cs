using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Signals.EntityFrameworkCore;

/// <summary>
/// Checks a capture description against the generated <see cref="ISignalSource.AddSignalKeys"/>: the keys the triggers would give for a
/// row of sample column values must be the keys the generated code gives for the entity those columns read back as (through the model's
/// value converters). It catches what the catalog cannot say, e.g. a single-value wrapper whose converter stores something other than the
/// member its key formats.
/// </summary>
internal static class CaptureProbe
{
    /// <summary>Runs the check.</summary>
    /// <param name="type">The entity type.</param>
    /// <param name="table">Its capture description.</param>
    /// <param name="typeMappings">The provider's type mappings, for the value converters.</param>
    /// <exception cref="InvalidOperationException">The keys differ; the message shows both.</exception>
    public static void Check(IReadOnlyEntityType type, CapturedTable table, ITypeMappingSource typeMappings)
    {
        var columns = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (CapturePart part in table.Columns)
        {
            columns[part.Property!] = Sample(part);
        }

        var generated = new HashSet<SignalKey>();
        var source = (ISignalSource)RuntimeHelpers.GetUninitializedObject(type.ClrType);
        try
        {
            source.AddSignalKeys(new Reader(type, columns, typeMappings), generated);
        }
        catch (Exception exception) when (exception is InvalidCastException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Signal capture of '{table.Entity}' is refused: its generated ISignalSource.AddSignalKeys cannot be reproduced from the columns " +
                $"({exception.Message}).", exception);
        }

        SignalCatalog.Registered.AddComputedKeys(generated); // what the interceptor stages: the trigger must bump the same computed keys
        string[] expected = [.. table.Keys.Select(key => string.Concat(key.Select(part => part.Literal ?? Argument(part, columns[part.Property!])))).Order(StringComparer.Ordinal)];
        string[] actual = [.. generated.Select(static k => k.Value).Order(StringComparer.Ordinal)];
        if (!expected.SequenceEqual(actual, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"Signal capture of '{table.Entity}' is refused: for sample column values the trigger would bump {string.Join(", ", expected)}, " +
                $"but the generated code bumps {string.Join(", ", actual)}. A value converter probably stores something other than what the key formats.");
        }
    }

    /// <summary>A column value per format, with characters that need escaping where the format allows them.</summary>
    private static object Sample(CapturePart part) => part.Format switch
    {
        CaptureFormat.Text => part.EnumMembers is [var member, ..] ? member.Value : "a:b%c",
        CaptureFormat.Integer => 42,
        CaptureFormat.Boolean => true,
        CaptureFormat.Guid => new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
        CaptureFormat.EnumNumber => part.EnumMembers is [var first, ..] ? first.Key : 0L,
        CaptureFormat.DateOnly => new DateOnly(2024, 5, 17),
        _ => new DateTimeOffset(2024, 5, 17, 8, 30, 0, 123, TimeSpan.Zero),
    };

    /// <summary>What the trigger writes for a sample, escaped as in a key (via <see cref="SignalKey.Create(string, ReadOnlySpan{string})"/>).</summary>
    private static string Argument(CapturePart part, object sample)
    {
        string text = part.Format switch
        {
            CaptureFormat.EnumNumber => part.EnumMembers!.FirstOrDefault(m => m.Key == (long)sample).Value ?? ((long)sample).ToString(CultureInfo.InvariantCulture),
            _ => SignalKey.FormatArgument(sample),
        };
        return SignalKey.Create("x", text).Value[2..];
    }

    /// <summary>Reads the samples as the entity's property values, converted from the column's type by the model's converter.</summary>
    private sealed class Reader(IReadOnlyEntityType type, Dictionary<string, object> columns, ITypeMappingSource typeMappings) : ISignalValueReader
    {
        public T GetValue<T>(string propertyName)
        {
            if (!columns.TryGetValue(propertyName, out object? sample))
            {
                throw new InvalidOperationException($"The generated code reads '{propertyName}', which no placeholder of the catalog names.");
            }

            IReadOnlyProperty property = type.FindProperty(propertyName)!;
            ValueConverter? converter = (property.FindTypeMapping() ?? typeMappings.FindMapping((IProperty)property))?.Converter;
            Type provider = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? property.ClrType) ?? converter?.ProviderClrType ?? property.ClrType;
            object? stored = sample is IConvertible && provider != sample.GetType() && provider.IsPrimitive
                ? Convert.ChangeType(sample, provider, CultureInfo.InvariantCulture)
                : sample;
            return (T)(converter is null ? stored : converter.ConvertFromProvider(stored))!;
        }
    }
}
