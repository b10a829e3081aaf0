using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace Signals;

/// <summary>
/// Binds a key's placeholder arguments to a producer's argument type: a type with one public constructor whose parameters are named
/// after the template's placeholders (a record such as <c>record RoomArgs(string RoomId)</c> for <c>time:room:{RoomId}</c>).
/// </summary>
internal static class ProducerArguments
{
    /// <summary>Builds the binder of an argument type, checking it against the template once, at start-up.</summary>
    /// <typeparam name="TArgs">The argument type, or <see cref="SignalKey"/> for the key itself.</typeparam>
    /// <param name="template">The producer's template.</param>
    /// <returns>A function from a key that matches the template to its arguments.</returns>
    /// <exception cref="InvalidOperationException">The type has no single public constructor, a parameter names no placeholder or a placeholder no parameter, or a parameter's type is not one a key argument converts to.</exception>
    public static Func<SignalKey, TArgs> CreateBinder<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TArgs>(string template)
    {
        if (typeof(TArgs) == typeof(SignalKey))
        {
            return static key => (TArgs)(object)key;
        }

        string[] segments = template.Split(SignalKey.Separator);
        var placeholders = segments.Select(static (s, i) => (Name: s.Length > 2 && s[0] == '{' && s[^1] == '}' ? s[1..^1] : null, Index: i))
            .Where(static p => p.Name is not null).ToDictionary(static p => p.Name!, static p => p.Index, StringComparer.OrdinalIgnoreCase);
        ConstructorInfo[] constructors = typeof(TArgs).GetConstructors();
        if (constructors.Length != 1)
        {
            throw new InvalidOperationException(
                $"The producer of '{template}' takes {typeof(TArgs).Name}, which has {constructors.Length} public constructors: give it exactly one, with a parameter per placeholder ({Describe(placeholders.Keys)}), e.g. a record.");
        }

        ParameterInfo[] parameters = constructors[0].GetParameters();
        var readers = new Func<string, object?>[parameters.Length];
        var indexes = new int[parameters.Length];
        foreach (ParameterInfo parameter in parameters)
        {
            if (!placeholders.TryGetValue(parameter.Name ?? "", out indexes[parameter.Position]))
            {
                throw new InvalidOperationException(
                    $"The producer of '{template}' takes {typeof(TArgs).Name}, whose constructor parameter '{parameter.Name}' names no placeholder of the template ({Describe(placeholders.Keys)}).");
            }

            readers[parameter.Position] = ReaderOf(parameter.ParameterType)
                ?? throw new InvalidOperationException(
                    $"The producer of '{template}' takes {typeof(TArgs).Name}, whose parameter '{parameter.Name}' is a {parameter.ParameterType.Name}: a key argument converts to a string, an integer, a Boolean, a Guid, an enum, a DateOnly or a DateTimeOffset.");
        }

        if (placeholders.Count != parameters.Length)
        {
            string missing = Describe(placeholders.Keys.Where(name => !parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))));
            throw new InvalidOperationException($"The producer of '{template}' takes {typeof(TArgs).Name}, whose constructor has no parameter for {missing}.");
        }

        ConstructorInfo constructor = constructors[0];
        return key =>
        {
            IReadOnlyList<string> arguments = key.GetSegments();
            object?[] values = new object?[readers.Length];
            for (int i = 0; i < readers.Length; i++)
            {
                values[i] = readers[i](arguments[indexes[i]]);
            }

            return (TArgs)constructor.Invoke(values);
        };
    }

    private static string Describe(IEnumerable<string> names) => string.Join(", ", names.Select(static n => "{" + n + "}")) is { Length: > 0 } list ? list : "none";

    /// <summary>Converts a key argument, in the key grammar's invariant form, to a parameter type; <see langword="null"/> for an unsupported type.</summary>
    private static Func<string, object?>? ReaderOf(Type type)
    {
        Type target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return static text => text;
        }

        if (target.IsEnum)
        {
            return text => Enum.Parse(target, text, ignoreCase: false);
        }

        if (target == typeof(Guid))
        {
            return static text => Guid.ParseExact(text, "D");
        }

        if (target == typeof(DateOnly))
        {
            return static text => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (target == typeof(DateTimeOffset))
        {
            return static text => DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture);
        }

        return Type.GetTypeCode(target) is >= TypeCode.Boolean and <= TypeCode.UInt64 and not TypeCode.Char
            ? text => Convert.ChangeType(text, target, CultureInfo.InvariantCulture)
            : null;
    }
}
